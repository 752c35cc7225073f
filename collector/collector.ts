// The collector process: store, joiner (recovered after a restart), ingest pipeline,
// broker (embedded or external) and HTTP API, wired together.
import type { FastifyInstance } from 'fastify';
import { hostname } from 'node:os';
import { checkRuleNames, createAlerting, type Alerting } from './alerting/alerting.js';
import type { Clock } from '../common/clock.js';
import { createMonotonicClock } from '../common/clock.js';
import { HopwatchError } from '../common/error-codes.js';
import { listenError } from '../common/listen-error.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { createAgentAuthority, type RunningAgentAuthority } from './auth/agent-authority.js';
import { decideExposure } from './auth/exposure.js';
import { createTokenAuthority } from './auth/token-authority.js';
import type { BrokerLink, InboundHandlers } from './broker/broker-link.js';
import { maxPacketBytesFor, startEmbeddedBroker } from './broker/embedded-broker.js';
import { connectExternalBroker } from './broker/external-broker.js';
import { createMqttDenials } from './broker/mqtt-denials.js';
import { createClockRegistry, type ClockRegistry } from './clock/clock-registry.js';
import { defaultClockModelOptions } from './clock/clock-model.js';
import { createTimeServer, type TimeServer } from './clock/time-server.js';
import { createLeaseKeeper, type LeaseKeeper } from './cluster/lease-keeper.js';
import type { CollectorConfig } from './config.js';
import { createHttpTransport } from './export/otlp/http-transport.js';
import { tracesUrl } from './export/otlp/otlp-config.js';
import { createOtlpExporter, type OtlpExporter } from './export/otlp/otlp-exporter.js';
import { CollectorError } from './errors.js';
import { createMetricsRegistry } from './http/prometheus.js';
import { httpsOptions } from './http/https-options.js';
import { createHttpServer } from './http/server.js';
import { createCommitStep } from './ingest/commit-step.js';
import { createIngest, type Ingest } from './ingest/ingest.js';
import { resolvePartitionCount } from './ingest/partition-count.js';
import { createPartitionHandover, type PartitionHandover } from './ingest/partition-handover.js';
import { recoverPartitions } from './ingest/recovery.js';
import { createContextInterner } from './join/context-interner.js';
import { createHeldPartitions } from './join/held-partitions.js';
import { createJoiner, type Joiner } from './join/joiner.js';
import type { RecordSink } from './join/record-sink.js';
import type { Catalogue } from './catalogue/catalogue.js';
import { loadCatalogue } from './catalogue/catalogue.js';
import { createMetricEngine, type MetricEngine } from './metrics/engine.js';
import { createJourneyTimeHistograms } from './metrics/journey-time-histograms.js';
import { openStoreBackend, storeKindOf } from './store/open-backend.js';
import type { Store } from './store/store.js';

export interface Collector {
  /** Where agents connect (the embedded broker's address, or the external broker). */
  readonly brokerUrl: string;
  readonly httpUrl: string;
  readonly store: Store;
  readonly ingest: Ingest;
  readonly joiner: Joiner;
  readonly catalogue: Catalogue;
  readonly metricEngine: MetricEngine;
  readonly clocks: ClockRegistry;
  readonly timeServer: TimeServer;
  readonly http: FastifyInstance;
  /** Agent credentials (`hopwatch agents`), re-read about once a second. */
  readonly agentAuthority: RunningAgentAuthority;
  /** Alert rules checked on a timer against the metric engine (collector/alerting). */
  readonly alerting: Alerting;
  /** The partitions this collector holds (all, by default), taken over and handed over at runtime. */
  readonly partitions: PartitionHandover;
  /** Hands over what it can within about HAND_OVER_WITHIN_MS and stops; runs once. */
  close(): Promise<void>;
}

/** What `hopwatch collector` gives a shutdown (SIGTERM, SIGINT) before it exits regardless (README "Running several collectors"). */
export const SHUTDOWN_BOUND_MS = 10_000;
/** How long shutdown stores and acknowledges batches already received. */
const DRAIN_WITHIN_MS = 2000;
/** How long shutdown tries to write the partitions it hands over; the rest is left to lease expiry. */
const HAND_OVER_WITHIN_MS = 6000;

export interface CollectorDeps {
  readonly logger?: Logger;
  /** The collector's clock: time probes are answered on it (default: the monotonic clock). */
  readonly clock?: Clock;
  /** Milliseconds for arrival times, windows and checkpoints (default: the clock's). */
  readonly nowMs?: () => number;
  /** The partitions held from the start (default: every one); more are taken over with `partitions.adopt`. */
  readonly heldAtStart?: readonly number[];
}

export async function startCollector(config: CollectorConfig, deps: CollectorDeps = {}): Promise<Collector> {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? createMonotonicClock();
  const nowMs = deps.nowMs ?? (() => clock.nowUs() / 1000);
  // Read before anything opens: an unreadable certificate is a configuration error.
  const https = httpsOptions(config.http.tls);
  checkRuleNames(config.alerting.rules);
  const catalogue = config.catalogueFile ? loadCatalogue(config.catalogueFile) : loadCatalogue();
  checkCluster(config);
  const backend = openStoreBackend(config.store);
  const { store } = backend;
  const metricPorts = backend.metricPorts();
  const agentAuthority = createAgentAuthority({ store: backend.credentials, logger });
  // Tokens created or revoked by `hopwatch tokens` while the collector runs take effect within a second.
  const tokens = createTokenAuthority({ store: backend.tokens, pollIntervalMs: 1000, logger });
  let partitionCount: number;
  try {
    checkExposure(config, agentAuthority.enabled(), tokens.enabled(), logger);
    partitionCount = resolvePartitionCount(store, backend.kind, config.ingest.partitions);
  } catch (err) {
    tokens.close();
    agentAuthority.close();
    store.close();
    throw err;
  }
  const j = config.join;
  // The embedded default holds every partition from the start; a cluster member only those it wins leases for.
  const held = createHeldPartitions(partitionCount, config.cluster.enabled ? [] : deps.heldAtStart);
  let keeper: LeaseKeeper | undefined;
  const contexts = createContextInterner();
  const clocks = createClockRegistry(store, {
    ...defaultClockModelOptions,
    windowUs: config.clock.windowSeconds * 1e6,
    maxDriftPpm: config.clock.maxDriftPpm,
    stepThresholdUs: config.clock.stepThresholdMs * 1000,
  }, logger);
  const joiner = createJoiner(catalogue, store, contexts, clocks, {
    graceMs: j.graceSeconds * 1000,
    settleMs: j.settleMs,
    unknownSrvWindowMs: j.unknownSrvWindowSeconds * 1000,
    alertWindowMs: j.alertWindowSeconds * 1000,
    lateHopWindowMs: j.lateHopWindowSeconds * 1000,
    lateHopCapacity: j.lateHopCapacity,
    persistAfterMs: j.persistAfterSeconds * 1000,
    maxResident: j.maxResidentJourneys,
    maxPersistPerCheckpoint: 50_000,
    finalPoints: j.finalPoints,
  }, nowMs(), held);
  // Sinks see every record written: the metric engine's rollups and the RTT/DCC histograms (see collector/metrics).
  const metricEngine = createMetricEngine({ ports: metricPorts, catalogue, config: config.metrics, agentStatuses: () => store.agentStatuses(), logger, nowMs });
  const journeyTimes = createJourneyTimeHistograms(catalogue);
  const sinks: RecordSink[] = [metricEngine.sink, journeyTimes.sink];
  const otlp = startOtlpExport(config.export.otlp, logger);
  if (otlp) sinks.push(otlp.sink);
  const i = config.ingest;
  const commit = createCommitStep({
    store, joiner, sinks, logger,
    checkpointIntervalMs: i.checkpointIntervalMs,
    dedupeRetentionMs: i.dedupeRetentionHours * 3_600_000,
    lastBatchId: store.replayFromBatchId() - 1,
    ...(config.cluster.enabled && { fence: (also: readonly number[]) => keeper?.assertHeld([...held.list(), ...also]) }),
  });
  const recoveryBounds = { lateHopWindowMs: j.lateHopWindowSeconds * 1000, maxResident: j.maxResidentJourneys };
  const recovered = await recoverPartitions({ store, joiner, commit, contexts, logger }, { partitions: held.list(), complete: held.all }, recoveryBounds, nowMs());

  let broker: BrokerLink | undefined;
  const ackKey = (agentId: string) => agentAuthority.ackKey(agentId);
  const mqttDenials = createMqttDenials();
  const ingest = createIngest({
    store, commit, logger, nowMs,
    publish: (topic, payload) => broker?.publish(topic, payload, 1),
    internContext: contexts.intern,
    maxQueuedBatches: i.maxQueuedBatches,
    maxBatchBytes: i.maxBatchBytes,
    maxHopsPerBatch: i.maxHopsPerBatch,
    maxFutureSkewMs: i.maxFutureSkewSeconds * 1000,
    maxBatchesPerTick: i.maxBatchesPerTick,
    tickIntervalMs: i.tickIntervalMs,
    ackKey,
    revoked: (agentId) => agentAuthority.isRevoked(agentId),
    partitions: held,
  });

  const timeServer = createTimeServer(clock, clocks, (topic, payload, qos) => broker?.publish(topic, payload, qos), logger, { ackKey });
  const handlers: InboundHandlers = {
    onHops: (topic, payload) => void ingest.offer(topic, payload),
    onStatus: (topic, payload) => ingest.offerStatus(topic, payload),
    onTimeRequest: timeServer.onRequest,
    onTimeSample: timeServer.onSample,
  };
  // A broker or HTTP port that cannot listen leaves nothing open behind it, so the process exits.
  const abandon = async (err: unknown): Promise<never> => {
    await broker?.close();
    ingest.close();
    tokens.close();
    agentAuthority.close();
    store.close();
    throw err;
  };
  broker = config.broker.url
    ? await connectExternalBroker({
      url: config.broker.url, clientId: config.broker.clientId, username: config.broker.username, password: config.broker.password,
      reconnect: { initialMs: 500, maxMs: 30_000 }, logger, tls: config.broker.tls, partitions: { count: held.count, initial: held.list() },
    }, handlers)
    : await startEmbeddedBroker({
      host: config.broker.host, port: config.broker.port, logger, tls: config.broker.tls, authority: agentAuthority, denials: mqttDenials,
      limits: { ...config.broker.limits, maxPacketBytes: maxPacketBytesFor(i.maxBatchBytes) }, partitions: { count: held.count, initial: held.list() },
    }, handlers).catch(abandon);

  const clockUncertainties = () => {
    const now = clock.nowUs();
    // The agent's time now is the collector's minus the current offset (as GET /api/v1/clocks reads it).
    return clocks.summaries((agentId) => 2 * now - clocks.map(agentId, now).us);
  };
  const alerting = createAlerting({
    config: config.alerting, logger, nowMs, history: backend.alertHistory,
    sources: { metrics: metricEngine, agentStatuses: () => store.agentStatuses(), clockUncertainties },
  });
  const auth = { tokens, corsOrigins: config.http.corsOrigins, authFailuresPerMinute: config.http.authFailuresPerMinute };
  const partitions = createPartitionHandover({
    store, joiner, commit, contexts, logger, held, broker: () => broker, nowMs, bounds: recoveryBounds, ingest,
    ...(config.cluster.enabled && { fence: (ps: readonly number[]) => keeper?.assertHeld(ps) }),
  });
  // Its address is the HTTP API's, known once it listens (before the keeper starts).
  const member = { id: config.cluster.memberId || `${hostname()}-${process.pid}`, address: '' };
  if (config.cluster.enabled) {
    try {
      keeper = createLeaseKeeper({
        leases: backend.partitionLeases(partitionCount),
        member,
        heartbeatMs: config.cluster.heartbeatMs,
        ttlMs: config.cluster.leaseTtlMs,
        onAcquired: async (ps) => void (await partitions.adopt(ps)),
        onReleasing: (ps) => partitions.release(ps),
        onLost: (ps) => partitions.forget(ps),
        lag: () => ingest.lag(held.list(), nowMs()),
        logger,
      });
    } catch (err) {
      await abandon(err);
    }
  }
  const cluster = keeper && { keeper, lag: () => ingest.lag(held.list(), nowMs()) };
  const http = createHttpServer({ store, catalogue, ingest, joiner, broker: () => broker, metrics: createMetricsRegistry({ ingest, joiner, clocks, recovery: recovered, journeyTimes: journeyTimes.metrics, timeServer, ...(otlp && { otlpExport: otlp.counters }), alerting: alerting.counters, clockUncertainties, ...(config.broker.url ? {} : { mqttDenials, agentAuth: agentAuthority.counters }), ...(cluster && { partitions: cluster }) }), metricEngine, clocks, clock, logger, https, auth, alerting, ...(cluster && { cluster: () => cluster.keeper.state() }) });
  await http.listen({ host: config.http.host, port: config.http.port }).catch(async (err: unknown) => {
    await http.close();
    return abandon(listenError(err, { what: 'HTTP API', host: config.http.host, port: config.http.port, flag: 'http-port', code: CollectorError.HW_COLLECTOR_HTTP_LISTEN.code }));
  });
  const httpPort = (http.server.address() as { port: number }).port;
  const httpUrl = `${https ? 'https' : 'http'}://${config.http.host}:${httpPort}`;
  logger.info({ component: 'collector', broker: broker.agentUrl, http: httpUrl, store: backend.kind, db: backend.location }, 'collector started');
  member.address = httpUrl;
  if (keeper) {
    try {
      keeper.start();
    } catch (err) {
      await http.close();
      return abandon(err);
    }
  }

  let closing: Promise<void> | undefined;
  return {
    brokerUrl: broker.agentUrl,
    httpUrl,
    store, ingest, joiner, catalogue, metricEngine, clocks, timeServer, http, agentAuthority, alerting,
    partitions,
    close() {
      closing ??= (async () => {
        alerting.close();
        await http.close();
        tokens.close();
        // A takeover's replay stops now: its partitions go back to the others, who replay them.
        partitions.close(HAND_OVER_WITHIN_MS);
        // Batches already received are stored and acknowledged before the broker goes, as many
        // as the time allows; the rest go unacknowledged and agents send them again.
        ingest.drain(DRAIN_WITHIN_MS);
        ingest.pause();
        // Partitions handed over (journeys written, leases freed) before the store goes; what the
        // store does not take in time is left to lease expiry and replayed by the next owner.
        await keeper?.stop();
        await broker?.close();
        ingest.close();
        await otlp?.close();
        agentAuthority.close();
        clocks.save(nowMs());
        store.close();
      })();
      return closing;
    },
  };
}

/** A cluster shares its partitions through leases in PostgreSQL and its batches through one external broker. */
function checkCluster(config: CollectorConfig): void {
  if (!config.cluster.enabled) return;
  const problems = [
    ...(storeKindOf(config.store.file) === 'postgres' ? [] : ['a postgres:// store (--store)']),
    ...(config.broker.url ? [] : ['an external broker (--broker)']),
  ];
  if (problems.length > 0) throw new HopwatchError(CollectorError.HW_COLLECTOR_CONFIG.code, `--cluster needs ${problems.join(' and ')}: several collectors share the partitions through the store and the broker (README "Running several collectors")`);
}

/** Journeys as traces to an OTLP backend, when an endpoint is configured. */
function startOtlpExport(c: CollectorConfig['export']['otlp'], logger: Logger): OtlpExporter | undefined {
  if (c.endpoint === '') return undefined;
  const transport = createHttpTransport({ url: tracesUrl(c.endpoint), headers: c.headers, timeoutMs: c.timeoutMs });
  return createOtlpExporter({ transport, maxQueueSize: c.maxQueueSize, maxBatchSize: c.maxBatchSize, flushIntervalMs: c.flushIntervalMs, serviceName: c.serviceName, logger });
}

/** Refuses listen addresses beyond loopback without access control (README "Security"), unless --insecure. */
function checkExposure(config: CollectorConfig, agentCredentials: boolean, apiTokens: boolean, logger: Logger): void {
  const decision = decideExposure({
    brokerHost: config.broker.url ? undefined : config.broker.host,
    agentCredentials,
    brokerMutualTls: config.broker.tls.caFile !== '',
    httpHost: config.http.host,
    apiTokens,
    insecure: config.insecure,
  });
  if (!decision.allowed) throw new HopwatchError(CollectorError.HW_COLLECTOR_CONFIG.code, `refusing to start: ${decision.problems.join('; ')}`);
  for (const warning of decision.warnings) logger.warn({ component: 'collector', code: CollectorError.HW_COLLECTOR_CONFIG.code }, warning);
}
