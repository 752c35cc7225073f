// Agent configuration: defaults, strict schema, flags. See common/config.ts for precedence.
import type { FlagSpec } from '../common/config.js';
import { loadConfig } from '../common/config.js';
import { DEFAULT_PARTITION_COUNT, MAX_PARTITION_COUNT } from '../proto/partition.js';
import { AgentError } from './errors.js';

export interface AgentConfig {
  readonly agentId: string;
  /** username defaults to agentId when a secret is given; the password is the agent's secret (from `hopwatch agents add`), or read from passwordFile.
   *  caFile: CA to trust for mqtts://; certFile/keyFile: a client certificate for mutual TLS. '' = none. */
  readonly broker: {
    readonly url: string;
    readonly username?: string;
    readonly password?: string;
    readonly passwordFile: string;
    readonly caFile: string;
    readonly certFile: string;
    readonly keyFile: string;
  };
  readonly buffer: { readonly file: string; readonly maxBytes: number };
  readonly batch: {
    readonly maxHops: number; readonly flushIntervalMs: number; readonly maxPendingChunks: number;
    /** Partition count to split by until the collector announces one (proto/partition.ts). */
    readonly partitions: number;
    /** With more than one partition: how long a partition's hops may wait to fill a batch (agent/partition-linger.ts); 0: never. */
    readonly lingerMs: number;
  };
  readonly forward: {
    readonly maxInFlight: number;
    readonly ackTimeoutMs: number;
    readonly reconnectInitialMs: number;
    readonly reconnectMaxMs: number;
    /** close() waits this long at most for the collector to acknowledge what is buffered. */
    readonly closeTimeoutMs: number;
  };
  readonly statusIntervalMs: number;
  /** Time probes to the collector (0: off); wall-clock steps larger than the threshold are reported. */
  readonly clock: { readonly probeIntervalMs: number; readonly wallStepThresholdMs: number };
  /** Loopback endpoints for rigs in other languages; 0 turns one off. */
  readonly intake: {
    readonly host: string;
    readonly udpPort: number;
    readonly httpPort: number;
    /** When set, POST /hops needs `Authorization: Bearer <token>`. */
    readonly token: string;
  };
  readonly logLevel: string;
}

export const agentDefaults: AgentConfig = {
  agentId: 'agent-1',
  broker: { url: 'mqtt://127.0.0.1:1883', passwordFile: '', caFile: '', certFile: '', keyFile: '' },
  buffer: { file: '', maxBytes: 256 * 1024 * 1024 },
  batch: { maxHops: 4096, flushIntervalMs: 100, maxPendingChunks: 8, partitions: DEFAULT_PARTITION_COUNT, lingerMs: 1000 },
  forward: { maxInFlight: 32, ackTimeoutMs: 10_000, reconnectInitialMs: 500, reconnectMaxMs: 30_000, closeTimeoutMs: 5000 },
  statusIntervalMs: 10_000,
  clock: { probeIntervalMs: 10_000, wallStepThresholdMs: 100 },
  intake: { host: '127.0.0.1', udpPort: 7691, httpPort: 7690, token: '' },
  logLevel: 'info',
};

const int = (minimum: number, maximum = Number.MAX_SAFE_INTEGER) => ({ type: 'integer', minimum, maximum });
const port = int(0, 65535);

export const agentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['agentId', 'broker', 'buffer', 'batch', 'forward', 'statusIntervalMs', 'clock', 'intake', 'logLevel'],
  properties: {
    agentId: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
    broker: {
      type: 'object', additionalProperties: false, required: ['url', 'passwordFile', 'caFile', 'certFile', 'keyFile'],
      properties: {
        url: { type: 'string', pattern: '^mqtts?://' }, username: { type: 'string' }, password: { type: 'string' },
        passwordFile: { type: 'string' }, caFile: { type: 'string' }, certFile: { type: 'string' }, keyFile: { type: 'string' },
      },
    },
    buffer: {
      type: 'object', additionalProperties: false, required: ['file', 'maxBytes'],
      properties: { file: { type: 'string' }, maxBytes: int(1024 * 1024) },
    },
    batch: {
      type: 'object', additionalProperties: false, required: ['maxHops', 'flushIntervalMs', 'maxPendingChunks', 'partitions', 'lingerMs'],
      properties: { maxHops: int(1, 65536), flushIntervalMs: int(1, 60_000), maxPendingChunks: int(1, 1024), partitions: int(1, MAX_PARTITION_COUNT), lingerMs: int(0, 60_000) },
    },
    forward: {
      type: 'object', additionalProperties: false, required: ['maxInFlight', 'ackTimeoutMs', 'reconnectInitialMs', 'reconnectMaxMs', 'closeTimeoutMs'],
      properties: { maxInFlight: int(1, 1024), ackTimeoutMs: int(100), reconnectInitialMs: int(1), reconnectMaxMs: int(1), closeTimeoutMs: int(0, 600_000) },
    },
    statusIntervalMs: int(100),
    clock: {
      type: 'object', additionalProperties: false, required: ['probeIntervalMs', 'wallStepThresholdMs'],
      properties: { probeIntervalMs: int(0, 3_600_000), wallStepThresholdMs: int(1) },
    },
    intake: {
      type: 'object', additionalProperties: false, required: ['host', 'udpPort', 'httpPort', 'token'],
      properties: { host: { type: 'string', minLength: 1 }, udpPort: port, httpPort: port, token: { type: 'string' } },
    },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  },
} as const;

export const agentFlags: readonly FlagSpec[] = [
  { flag: 'id', path: 'agentId', type: 'string', description: 'agent id, unique in the deployment ([A-Za-z0-9_.-], up to 64)' },
  { flag: 'broker', path: 'broker.url', type: 'string', description: 'MQTT broker URL' },
  { flag: 'broker-username', path: 'broker.username', type: 'string', description: 'MQTT username (default: the agent id, when a secret is given)' },
  { flag: 'broker-password', path: 'broker.password', type: 'string', description: 'the agent\'s secret from `hopwatch agents add` (prefer --broker-password-file: flags show in ps)' },
  { flag: 'broker-password-file', path: 'broker.passwordFile', type: 'string', description: 'file holding the agent\'s secret' },
  { flag: 'broker-ca', path: 'broker.caFile', type: 'string', description: 'PEM CA certificate to trust for mqtts://' },
  { flag: 'broker-cert', path: 'broker.certFile', type: 'string', description: 'PEM client certificate for mutual TLS (CN = agent id)' },
  { flag: 'broker-key', path: 'broker.keyFile', type: 'string', description: 'PEM private key of --broker-cert' },
  { flag: 'buffer-file', path: 'buffer.file', type: 'string', description: 'SQLite buffer file, created if absent (empty: data/<agentId>.buffer.db)' },
  { flag: 'buffer-max-bytes', path: 'buffer.maxBytes', type: 'integer', description: 'bound on buffered batch bytes; when full the oldest batches are dropped and counted' },
  { flag: 'batch-max-hops', path: 'batch.maxHops', type: 'integer', description: 'hops per batch at most' },
  { flag: 'partitions', path: 'batch.partitions', type: 'integer', description: 'partition count to split hops by until the collector announces its own (then the announced one is kept)' },
  { flag: 'flush-interval-ms', path: 'batch.flushIntervalMs', type: 'integer', description: 'seal and buffer a partly filled batch after this long' },
  { flag: 'linger-ms', path: 'batch.lingerMs', type: 'integer', description: 'with more than one partition, let a partition\'s hops wait this long at most to fill a batch (0: seal at every flush)' },
  { flag: 'max-in-flight', path: 'forward.maxInFlight', type: 'integer', description: 'batches published and awaiting the collector\'s ack at most' },
  { flag: 'ack-timeout-ms', path: 'forward.ackTimeoutMs', type: 'integer', description: 'publish a batch again when its ack is this late' },
  { flag: 'reconnect-initial-ms', path: 'forward.reconnectInitialMs', type: 'integer', description: 'first reconnect backoff ceiling (doubles per failure, full jitter)' },
  { flag: 'reconnect-max-ms', path: 'forward.reconnectMaxMs', type: 'integer', description: 'largest reconnect backoff ceiling' },
  { flag: 'close-timeout-ms', path: 'forward.closeTimeoutMs', type: 'integer', description: 'on close, wait this long at most for the collector to acknowledge the buffered hops (0: do not wait)' },
  { flag: 'status-interval-ms', path: 'statusIntervalMs', type: 'integer', description: 'publish the retained status this often' },
  { flag: 'time-probe-interval-ms', path: 'clock.probeIntervalMs', type: 'integer', description: 'time probes to the collector this often, for its offset and drift estimate (0: off)' },
  { flag: 'wall-step-threshold-ms', path: 'clock.wallStepThresholdMs', type: 'integer', description: 'report a wall-clock jump larger than this (stamps never follow the wall clock)' },
  { flag: 'intake-host', path: 'intake.host', type: 'string', description: 'address the UDP and HTTP intakes listen on (keep it loopback)' },
  { flag: 'udp-port', path: 'intake.udpPort', type: 'integer', description: 'UDP intake port, one JSON hop per datagram line (0: off)' },
  { flag: 'http-port', path: 'intake.httpPort', type: 'integer', description: 'HTTP intake and status port: POST /hops (NDJSON), GET /status (0: off)' },
  { flag: 'intake-token', path: 'intake.token', type: 'string', description: 'require `Authorization: Bearer <token>` on POST /hops' },
  { flag: 'log-level', path: 'logLevel', type: 'string', description: 'fatal, error, warn, info, debug, trace or silent' },
];

export function loadAgentConfig(file: string | undefined, flags: Record<string, string | boolean | undefined>, base: AgentConfig = agentDefaults): AgentConfig {
  return loadConfig({ errorCode: AgentError.HW_AGENT_CONFIG.code, schema: agentSchema, defaults: base, file, flags, specs: agentFlags });
}
