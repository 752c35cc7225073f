// The collector process: store, joiner (recovered after a restart), ingest pipeline,
// broker (embedded or external) and HTTP API, wired together.
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../common/clock.js';
import { createMonotonicClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import type { BrokerLink, InboundHandlers } from './broker/broker-link.js';
import { startEmbeddedBroker } from './broker/embedded-broker.js';
import { connectExternalBroker } from './broker/external-broker.js';
import { createClockRegistry, type ClockRegistry } from './clock/clock-registry.js';
import { defaultClockModelOptions } from './clock/clock-model.js';
import { createTimeServer } from './clock/time-server.js';
import type { CollectorConfig } from './config.js';
import { createMetricsRegistry } from './http/prometheus.js';
import { createHttpServer } from './http/server.js';
import { createCommitStep } from './ingest/commit-step.js';
import { createIngest, type Ingest } from './ingest/ingest.js';
import { recoverJoinState } from './ingest/recovery.js';
import { createContextInterner } from './join/context-interner.js';
import { createJoiner, type Joiner } from './join/joiner.js';
import type { RecordSink } from './join/record-sink.js';
import type { Catalogue } from './catalogue/catalogue.js';
import { loadCatalogue } from './catalogue/catalogue.js';
import { createMetricEngine, type MetricEngine } from './metrics/engine.js';
import { openSqliteStore } from './store/sqlite-store.js';
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
  readonly http: FastifyInstance;
  close(): Promise<void>;
}

export interface CollectorDeps {
  readonly logger?: Logger;
  /** The collector's clock: time probes are answered on it (default: the monotonic clock). */
  readonly clock?: Clock;
  /** Milliseconds for arrival times, windows and checkpoints (default: the clock's). */
  readonly nowMs?: () => number;
}

export async function startCollector(config: CollectorConfig, deps: CollectorDeps = {}): Promise<Collector> {
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? createMonotonicClock();
  const nowMs = deps.nowMs ?? (() => clock.nowUs() / 1000);
  const catalogue = config.catalogueFile ? loadCatalogue(config.catalogueFile) : loadCatalogue();
  const store = openSqliteStore({ file: config.store.file, synchronous: config.store.synchronous });
  const j = config.join;
  const contexts = createContextInterner();
  const clocks = createClockRegistry(store, {
    ...defaultClockModelOptions,
    windowUs: config.clock.windowSeconds * 1e6,
    maxDriftPpm: config.clock.maxDriftPpm,
    stepThresholdUs: config.clock.stepThresholdMs * 1000,
  });
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
  }, nowMs());
  // Sinks see every record written: the metric engine's rollups (see collector/metrics).
  const metricEngine = createMetricEngine({ db: store.db, catalogue, config: config.metrics, agentStatuses: () => store.agentStatuses(), logger, nowMs });
  const sinks: RecordSink[] = [metricEngine.sink];
  const i = config.ingest;
  const commit = createCommitStep({
    store, joiner, sinks, logger,
    checkpointIntervalMs: i.checkpointIntervalMs,
    dedupeRetentionMs: i.dedupeRetentionHours * 3_600_000,
    lastBatchId: store.replayFromBatchId() - 1,
  });
  const recovered = recoverJoinState({ store, joiner, commit, contexts, logger }, { lateHopWindowMs: j.lateHopWindowSeconds * 1000, maxResident: j.maxResidentJourneys }, nowMs());

  let broker: BrokerLink | undefined;
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
  });

  const timeServer = createTimeServer(clock, clocks, (topic, payload, qos) => broker?.publish(topic, payload, qos), logger);
  const handlers: InboundHandlers = {
    onHops: (topic, payload) => void ingest.offer(topic, payload),
    onStatus: (topic, payload) => ingest.offerStatus(topic, payload),
    onTimeRequest: timeServer.onRequest,
    onTimeSample: timeServer.onSample,
  };
  broker = config.broker.url
    ? await connectExternalBroker({
      url: config.broker.url, clientId: config.broker.clientId, username: config.broker.username, password: config.broker.password,
      reconnect: { initialMs: 500, maxMs: 30_000 }, logger,
    }, handlers)
    : await startEmbeddedBroker({ host: config.broker.host, port: config.broker.port, logger }, handlers);

  const http = createHttpServer({ store, catalogue, ingest, joiner, broker: () => broker, metrics: createMetricsRegistry({ ingest, joiner, clocks, recovery: recovered }), metricEngine, clocks, clock, logger });
  await http.listen({ host: config.http.host, port: config.http.port });
  const httpPort = (http.server.address() as { port: number }).port;
  const httpUrl = `http://${config.http.host}:${httpPort}`;
  logger.info({ component: 'collector', broker: broker.agentUrl, http: httpUrl, db: config.store.file }, 'collector started');

  let closing: Promise<void> | undefined;
  return {
    brokerUrl: broker.agentUrl,
    httpUrl,
    store, ingest, joiner, catalogue, metricEngine, clocks, http,
    close() {
      closing ??= (async () => {
        await http.close();
        // Batches already received are stored and acknowledged before the broker goes.
        ingest.drain();
        await broker?.close();
        ingest.close();
        clocks.save(nowMs());
        store.close();
      })();
      return closing;
    },
  };
}
