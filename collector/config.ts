// Collector configuration: defaults, strict schema, flags. See common/config.ts for precedence.
import type { FlagSpec } from '../common/config.js';
import { loadConfig } from '../common/config.js';
import { HOP_POINT_NAMES } from '../proto/hop-point.js';
import { MAX_PARTITION_COUNT } from '../proto/partition.js';
import { alertingDefaults, alertingSchema, type AlertingConfig } from './alerting/alerting-config.js';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_LEASE_TTL_MS } from './cluster/lease-keeper.js';
import { CollectorError } from './errors.js';
import { metricsDefaults, metricsSchema, type MetricsConfig } from './metrics/metrics-config.js';
import { otlpExportDefaults, otlpExportSchema, type OtlpExportConfig } from './export/otlp/otlp-config.js';

export interface CollectorConfig {
  readonly broker: {
    /** Empty: run the embedded broker. Otherwise the external broker to consume from. */
    readonly url: string;
    readonly host: string;
    readonly port: number;
    readonly username?: string;
    readonly password?: string;
    readonly clientId: string;
    /** Embedded: serve mqtts:// with this certificate and key (caFile: require client certificates it signed).
     *  External: the CA to trust for an mqtts:// broker, and an optional client certificate. '' = none. */
    readonly tls: TlsFiles;
    /** Bounds of the embedded broker; each has a counter. */
    readonly limits: {
      readonly maxConnections: number;
      readonly connectTimeoutMs: number;
      readonly maxInFlightPerClient: number;
    };
  };
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Serve HTTPS with this certificate and key (caFile: require client certificates it signed). '' = none. */
    readonly tls: TlsFiles;
    /** Origins allowed by CORS; empty: no CORS headers at all. */
    readonly corsOrigins: readonly string[];
    /** Failed authentications per client address per minute before 429. */
    readonly authFailuresPerMinute: number;
  };
  /** Listen beyond loopback without any agent credential or API token (logged as a warning at every start). */
  readonly insecure: boolean;
  /** file: a SQLite file path, or a postgres:// URL (store/open-backend.ts); synchronous applies to SQLite. */
  readonly store: { readonly file: string; readonly synchronous: 'full' | 'normal' };
  readonly catalogueFile: string;
  readonly ingest: {
    readonly maxQueuedBatches: number;
    readonly maxBatchBytes: number;
    readonly maxHopsPerBatch: number;
    readonly maxFutureSkewSeconds: number;
    readonly maxBatchesPerTick: number;
    readonly tickIntervalMs: number;
    readonly checkpointIntervalMs: number;
    readonly dedupeRetentionHours: number;
    /** The deployment's partition count (proto/partition.ts), recorded in the store on its first open.
     *  0: the count the store records, or for a new store the default of its kind (ingest/partition-count.ts). */
    readonly partitions: number;
  };
  readonly join: {
    readonly graceSeconds: number;
    readonly settleMs: number;
    readonly unknownSrvWindowSeconds: number;
    readonly alertWindowSeconds: number;
    readonly lateHopWindowSeconds: number;
    readonly lateHopCapacity: number;
    readonly persistAfterSeconds: number;
    readonly maxResidentJourneys: number;
    readonly finalPoints: readonly string[];
  };
  /** The model of each agent's clock (see collector/clock/clock-model.ts). */
  readonly clock: { readonly windowSeconds: number; readonly maxDriftPpm: number; readonly stepThresholdMs: number };
  /** The metric engine: reporting time zone, rollup folding, rule parameters (collector/metrics/metrics-config.ts). */
  readonly metrics: MetricsConfig;
  /** Alert rules, their evaluation and the webhook (collector/alerting/alerting-config.ts). */
  readonly alerting: AlertingConfig;
  /** Journeys sent elsewhere as they are stored (collector/export/otlp/otlp-config.ts). */
  readonly export: { readonly otlp: OtlpExportConfig };
  /** Several collectors sharing one PostgreSQL store and one broker, each holding a share of the partitions (README "Running several collectors"). */
  readonly cluster: {
    readonly enabled: boolean;
    /** This collector's name among the members; '' = hostname-pid. */
    readonly memberId: string;
    readonly heartbeatMs: number;
    /** A dead member's partitions are taken by the others within leaseTtlMs + heartbeatMs. */
    readonly leaseTtlMs: number;
  };
  readonly logLevel: string;
}

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

// A function, not a shared object: loadConfig's structuredClone keeps shared references shared,
// so one object under broker.tls and http.tls would make a flag that sets one set both.
const noTls = (): TlsFiles => ({ certFile: '', keyFile: '', caFile: '' });

export const collectorDefaults: CollectorConfig = {
  broker: {
    url: '', host: '127.0.0.1', port: 1883, clientId: 'hopwatch-collector', tls: noTls(),
    limits: { maxConnections: 10_000, connectTimeoutMs: 10_000, maxInFlightPerClient: 64 },
  },
  http: { host: '127.0.0.1', port: 8080, tls: noTls(), corsOrigins: [], authFailuresPerMinute: 30 },
  insecure: false,
  store: { file: 'data/hopwatch.db', synchronous: 'full' },
  catalogueFile: '',
  ingest: {
    maxQueuedBatches: 20_000,
    maxBatchBytes: 4 * 1024 * 1024,
    maxHopsPerBatch: 65_536,
    maxFutureSkewSeconds: 3600,
    maxBatchesPerTick: 256,
    tickIntervalMs: 50,
    checkpointIntervalMs: 2000,
    dedupeRetentionHours: 168,
    partitions: 0,
  },
  join: {
    graceSeconds: 30,
    settleMs: 500,
    unknownSrvWindowSeconds: 86_400,
    alertWindowSeconds: 3600,
    lateHopWindowSeconds: 1800,
    lateHopCapacity: 4_000_000,
    persistAfterSeconds: 20,
    maxResidentJourneys: 200_000,
    finalPoints: ['UG_OUT', 'ALERT_UG_OUT'],
  },
  clock: { windowSeconds: 60, maxDriftPpm: 100, stepThresholdMs: 5 },
  metrics: metricsDefaults,
  alerting: alertingDefaults,
  export: { otlp: otlpExportDefaults },
  cluster: { enabled: false, memberId: '', heartbeatMs: DEFAULT_HEARTBEAT_MS, leaseTtlMs: DEFAULT_LEASE_TTL_MS },
  logLevel: 'info',
};

const int = (minimum: number, maximum = Number.MAX_SAFE_INTEGER) => ({ type: 'integer', minimum, maximum });
const port = int(0, 65535);
const object = (properties: Record<string, unknown>, optional: string[] = []) => ({
  type: 'object', additionalProperties: false, properties, required: Object.keys(properties).filter((k) => !optional.includes(k)),
});
const tlsFiles = object({ certFile: { type: 'string' }, keyFile: { type: 'string' }, caFile: { type: 'string' } });

export const collectorSchema = object({
  broker: object({
    url: { type: 'string', pattern: '^(mqtts?://.+)?$' }, host: { type: 'string', minLength: 1 }, port,
    username: { type: 'string' }, password: { type: 'string' }, clientId: { type: 'string', minLength: 1, maxLength: 128 },
    tls: tlsFiles,
    limits: object({ maxConnections: int(1, 1_000_000), connectTimeoutMs: int(100, 600_000), maxInFlightPerClient: int(1, 65_535) }),
  }, ['username', 'password']),
  http: object({
    host: { type: 'string', minLength: 1 }, port, tls: tlsFiles,
    corsOrigins: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^https?://[^/]+$' } },
    authFailuresPerMinute: int(1, 100_000),
  }),
  insecure: { type: 'boolean' },
  store: object({ file: { type: 'string', minLength: 1 }, synchronous: { enum: ['full', 'normal'] } }),
  catalogueFile: { type: 'string' },
  ingest: object({
    maxQueuedBatches: int(1), maxBatchBytes: int(1024), maxHopsPerBatch: int(1, 1_000_000), maxFutureSkewSeconds: int(0),
    maxBatchesPerTick: int(1), tickIntervalMs: int(1, 10_000), checkpointIntervalMs: int(100), dedupeRetentionHours: int(1),
    partitions: int(0, MAX_PARTITION_COUNT),
  }),
  join: object({
    graceSeconds: int(0), settleMs: int(0, 600_000), unknownSrvWindowSeconds: int(1), alertWindowSeconds: int(1),
    lateHopWindowSeconds: int(1), lateHopCapacity: int(1000), persistAfterSeconds: int(0), maxResidentJourneys: int(1000),
    finalPoints: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...HOP_POINT_NAMES] } },
  }),
  clock: object({ windowSeconds: int(1, 86_400), maxDriftPpm: int(1, 1000), stepThresholdMs: int(0) }),
  metrics: metricsSchema,
  alerting: alertingSchema,
  export: object({ otlp: otlpExportSchema }),
  cluster: object({ enabled: { type: 'boolean' }, memberId: { type: 'string', maxLength: 200 }, heartbeatMs: int(10, 600_000), leaseTtlMs: int(20, 3_600_000) }),
  logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
});

export const collectorFlags: readonly FlagSpec[] = [
  { flag: 'broker', path: 'broker.url', type: 'string', description: 'consume from this external broker (mqtt://host:port) instead of running the embedded one' },
  { flag: 'broker-host', path: 'broker.host', type: 'string', description: 'embedded broker: address to listen on (beyond loopback only with agent credentials, see README "Security")' },
  { flag: 'broker-port', path: 'broker.port', type: 'integer', description: 'embedded broker: TCP port (0: any free port)' },
  { flag: 'broker-username', path: 'broker.username', type: 'string', description: 'external broker: username' },
  { flag: 'broker-password', path: 'broker.password', type: 'string', description: 'external broker: password' },
  { flag: 'client-id', path: 'broker.clientId', type: 'string', description: 'external broker: MQTT client id' },
  { flag: 'broker-tls-cert', path: 'broker.tls.certFile', type: 'string', description: 'embedded broker: serve mqtts:// with this PEM certificate (external: client certificate)' },
  { flag: 'broker-tls-key', path: 'broker.tls.keyFile', type: 'string', description: 'PEM private key of --broker-tls-cert' },
  { flag: 'broker-tls-ca', path: 'broker.tls.caFile', type: 'string', description: 'embedded broker: require client certificates signed by this CA (external: the CA to trust)' },
  { flag: 'broker-max-connections', path: 'broker.limits.maxConnections', type: 'integer', description: 'embedded broker: open connections at most; more are refused and counted' },
  { flag: 'http-host', path: 'http.host', type: 'string', description: 'HTTP API address (beyond loopback only with API tokens, see README "Security")' },
  { flag: 'http-port', path: 'http.port', type: 'integer', description: 'HTTP API port (0: any free port)' },
  { flag: 'http-tls-cert', path: 'http.tls.certFile', type: 'string', description: 'serve HTTPS with this PEM certificate' },
  { flag: 'http-tls-key', path: 'http.tls.keyFile', type: 'string', description: 'PEM private key of --http-tls-cert' },
  { flag: 'http-tls-ca', path: 'http.tls.caFile', type: 'string', description: 'require HTTPS client certificates signed by this CA' },
  { flag: 'insecure', path: 'insecure', type: 'boolean', description: 'listen beyond loopback without agent credentials or API tokens (anyone on the network can read and forge data)' },
  { flag: 'store', path: 'store.file', type: 'string', description: 'where the collector keeps its data: a SQLite file (created if absent) or a postgres://user@host:port/database URL (README "Choosing a store")' },
  { flag: 'synchronous', path: 'store.synchronous', type: 'string', description: 'SQLite: full: a batch is on disk before its ack; normal: survives a crash of the process, not of the machine (PostgreSQL: the server\'s synchronous_commit decides)' },
  { flag: 'catalogue', path: 'catalogueFile', type: 'string', description: 'catalogue file replacing the built-in one (empty: built-in)' },
  { flag: 'max-queued-batches', path: 'ingest.maxQueuedBatches', type: 'integer', description: 'batches waiting for ingest at most; beyond it batches are not acked (agents resend)' },
  { flag: 'max-future-skew-seconds', path: 'ingest.maxFutureSkewSeconds', type: 'integer', description: 'reject batches with hop times further ahead of the collector clock' },
  { flag: 'checkpoint-interval-ms', path: 'ingest.checkpointIntervalMs', type: 'integer', description: 'how often open journeys are checkpointed' },
  { flag: 'partitions', path: 'ingest.partitions', type: 'integer', description: 'partitions journeys are split into; fixed for a deployment (recorded in the store at its first open). Default: the store\'s count, or for a new store 1 on SQLite (one collector) and 64 on PostgreSQL' },
  { flag: 'dedupe-retention-hours', path: 'ingest.dedupeRetentionHours', type: 'integer', description: 'how long batch ids are kept to recognise redelivery' },
  { flag: 'grace-seconds', path: 'join.graceSeconds', type: 'integer', description: 'added to an SRV\'s window before its journey times out as no-response' },
  { flag: 'settle-ms', path: 'join.settleMs', type: 'integer', description: 'wait this long after a final point for the journey\'s missing points' },
  { flag: 'unknown-srv-window-seconds', path: 'join.unknownSrvWindowSeconds', type: 'integer', description: 'window of journeys whose SRV is unknown' },
  { flag: 'late-hop-window-seconds', path: 'join.lateHopWindowSeconds', type: 'integer', description: 'a hop this late still amends its closed journey' },
  { flag: 'max-resident-journeys', path: 'join.maxResidentJourneys', type: 'integer', description: 'open journeys kept in memory at most; older checkpointed ones wait in the store' },
  { flag: 'final-points', path: 'join.finalPoints', type: 'list', description: 'comma-separated points that complete a journey; a lab without User-side agents gives its last one, e.g. CSP_IN' },
  { flag: 'persist-after-seconds', path: 'join.persistAfterSeconds', type: 'integer', description: 'open journeys older than this are checkpointed to the store' },
  { flag: 'clock-window-seconds', path: 'clock.windowSeconds', type: 'integer', description: 'keep the lowest-delay time probe of each window this long' },
  { flag: 'clock-max-drift-ppm', path: 'clock.maxDriftPpm', type: 'integer', description: 'rate error assumed for an agent until its drift is measured (a measured drift is never capped by it; up to 1,000 ppm is measured)' },
  { flag: 'clock-step-threshold-ms', path: 'clock.stepThresholdMs', type: 'integer', description: 'an agent clock jump beyond its bound by this much starts a new clock segment' },
  { flag: 'time-zone', path: 'metrics.timeZone', type: 'string', description: 'IANA time zone of report days, months and time-of-day bands' },
  { flag: 'otlp-endpoint', path: 'export.otlp.endpoint', type: 'string', description: 'send each journey as a trace to this OTLP/HTTP endpoint (http://host:4318; empty: no export)' },
  { flag: 'cluster', path: 'cluster.enabled', type: 'boolean', description: 'share the partitions with the other collectors on the same PostgreSQL store and external broker (README "Running several collectors")' },
  { flag: 'member-id', path: 'cluster.memberId', type: 'string', description: 'with --cluster: this collector\'s name among the members (empty: hostname-pid)' },
  { flag: 'heartbeat-ms', path: 'cluster.heartbeatMs', type: 'integer', description: 'with --cluster: how often the partition leases are renewed and rebalanced' },
  { flag: 'lease-ttl-ms', path: 'cluster.leaseTtlMs', type: 'integer', description: 'with --cluster: a lease runs out unless renewed within this; at least twice --heartbeat-ms' },
  { flag: 'log-level', path: 'logLevel', type: 'string', description: 'fatal, error, warn, info, debug, trace or silent' },
];

export function loadCollectorConfig(file: string | undefined, flags: Record<string, string | boolean | undefined>, base: CollectorConfig = collectorDefaults): CollectorConfig {
  return loadConfig({ errorCode: CollectorError.HW_COLLECTOR_CONFIG.code, schema: collectorSchema, defaults: base, file, flags, specs: collectorFlags });
}
