// An agent: stamps go into the recorder (memory), sealed chunks are encoded into batches
// and written to the SQLite buffer in group commits, and the forwarder publishes them until
// acknowledged. Hops still in memory (`unsealedHops`) are lost if the process dies: those of
// the last flush interval, never more than 2 × maxHops × (maxPendingChunks + 1) (the recorder's
// chunks and one staged commit), and with more than one partition those waiting to fill their
// partition's batch: at most lingerMs older, at most P × maxHops (agent/partition-linger.ts).
// `durably` closes that window for callers that wait (HTTP intake).
import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import { createMonotonicClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import type { HopContext } from '../proto/hop-context.js';
import { decodeClusterInfo } from '../proto/cluster-info.js';
import { topics } from '../proto/topics.js';
import { brokerCredentials } from './broker-credentials.js';
import { openBufferStore, type BufferCounters } from './buffer-store.js';
import type { AgentConfig } from './config.js';
import { dropInvalidContexts } from './context-check.js';
import { readBrokerTls } from './broker-tls.js';
import { createForwarder, type ConnectionState, type ForwarderCounters } from './forwarder.js';
import { createGroupCommit, type Durable } from './group-commit.js';
import type { HopChunk } from './hop-recorder.js';
import { createHopRecorder } from './hop-recorder.js';
import { JourneyKey, journeyKey } from './journey-key.js';
import { createPartitionLinger } from './partition-linger.js';
import { encodePartition } from './partition-split.js';
import { createTimeProbe, type TimeProbe } from './time-probe.js';
import { createWallStepDetector } from './wall-step-detector.js';

export interface AgentStatus {
  readonly agentId: string;
  readonly state: 'online';
  readonly streamId: number;
  /** The partition count hops are split by (proto/partition.ts). */
  readonly partitions: number;
  readonly connection: ConnectionState['kind'];
  readonly time: string;
  readonly stamped: number;
  readonly invalidContexts: number;
  readonly writeFailedHops: number;
  readonly unsealedHops: number;
  readonly buffer: BufferCounters & { readonly maxBytes: number };
  readonly forward: ForwarderCounters;
  readonly clock: {
    readonly probesSent: number; readonly probesAnswered: number; readonly badAnswers: number;
    readonly wallSteps: number; readonly lastWallStepUs: number;
  };
}

export interface Agent {
  readonly agentId: string;
  /** Parses `originator:target:counter` once; pass the result to every stamp of the journey. */
  key(text: string): JourneyKey;
  /** The hot path: records (key, point, now) in memory. `point` is a HopPoint number. */
  stamp(key: JourneyKey, point: number, context?: HopContext): void;
  /** Records a hop whose time was read elsewhere (agent timeline, microseconds). */
  record(key: JourneyKey, point: number, timeUs: number, context?: HopContext): void;
  /**
   * Runs `record` (which stamps or records hops) and resolves once those hops are committed to
   * the buffer: `stored` is true when all of them are, false when none could be written.
   */
  durably<T>(record: () => T): Promise<Durable<T>>;
  /** Moves everything stamped so far into the buffer now, instead of at the next flush tick. */
  flush(): void;
  status(): AgentStatus;
  /** Flushes, then waits until the collector has acknowledged every buffered batch. */
  drained(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface AgentDeps {
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export function bufferFileOf(config: AgentConfig): string {
  return config.buffer.file || join('data', `${config.agentId}.buffer.db`);
}

export function createAgent(config: AgentConfig, deps: AgentDeps = {}): Agent {
  const clock = deps.clock ?? createMonotonicClock();
  const logger = (deps.logger ?? silentLogger).child({ agentId: config.agentId });
  const log = logger.child({ component: 'agent' });
  // Before the buffer opens: an unreadable TLS file is a configuration error, not a half-started agent.
  const brokerTls = readBrokerTls(config.broker);
  const credentials = brokerCredentials(config);
  const store = openBufferStore({ file: bufferFileOf(config), maxBytes: config.buffer.maxBytes, logger });
  let stamped = 0;
  let invalidContexts = 0;

  const header = () => ({ agentId: config.agentId, streamId: store.streamId, seq: store.nextSeq() });

  const buffer = (chunk: HopChunk) => {
    stamped += chunk.length;
    const problems = dropInvalidContexts(chunk);
    if (problems.length > 0) {
      invalidContexts += problems.length;
      log.warn({ code: 'HW_AGENT_BAD_HOP', count: problems.length, example: problems[0] }, 'context left out of hops');
    }
    lingering.add(chunk, partitions);
  };
  const lingering = createPartitionLinger({
    lingerMs: config.batch.lingerMs,
    maxHops: config.batch.maxHops,
    nowMs: () => clock.nowUs() / 1000,
    onSealed: (partition, hops) => commits.stage(encodePartition(partition, hops, config.batch.maxHops, header), hops.length),
  });
  /** Everything stamped so far out of memory and into the next commit. */
  const sealAll = () => {
    recorder.flush();
    lingering.sealAll();
  };

  // The count the collector announces (retained, on every connect) wins over the configured one,
  // and is kept for the next start: chunks sealed before the broker answers are split by it.
  let partitions = store.partitionCount() ?? config.batch.partitions;
  const learnPartitions = (payload: Buffer) => {
    const info = decodeClusterInfo(payload);
    if (info === undefined || info.partitions === partitions) return;
    // A first count replaces the configured one (a new agent); a count that changes is news.
    const heardBefore = store.partitionCount() !== undefined;
    log[heardBefore ? 'warn' : 'info']({ from: partitions, to: info.partitions }, 'the collector announced another partition count; hops are split by it from now on');
    partitions = info.partitions;
    store.savePartitionCount(partitions);
  };

  const commits = createGroupCommit({
    store,
    collect: sealAll,
    onStored: () => forwarder.wake(),
    // A chunk per pending slot, as the recorder holds: memory stays within the same bound.
    maxStagedHops: config.batch.maxHops * (config.batch.maxPendingChunks + 1),
    logger,
  });

  const recorder = createHopRecorder({
    clock,
    chunkHops: config.batch.maxHops,
    maxPendingChunks: config.batch.maxPendingChunks,
    onSealed: buffer,
  });

  const status = (): AgentStatus => ({
    agentId: config.agentId,
    state: 'online',
    streamId: store.streamId,
    partitions,
    connection: forwarder.state().kind,
    time: new Date().toISOString(),
    stamped,
    invalidContexts,
    writeFailedHops: commits.counters().writeFailedHops,
    unsealedHops: recorder.pendingHops + lingering.pendingHops + commits.stagedHops,
    buffer: { ...store.counters(), maxBytes: config.buffer.maxBytes },
    forward: forwarder.counters(),
    clock: {
      probesSent: probe?.sent ?? 0, probesAnswered: probe?.completed ?? 0, badAnswers: probe?.badAnswers ?? 0,
      wallSteps: steps.steps, lastWallStepUs: steps.lastStepUs,
    },
  });

  let probe: TimeProbe | undefined;
  const steps = createWallStepDetector(clock, {
    intervalMs: 1000,
    thresholdUs: config.clock.wallStepThresholdMs * 1000,
    onStep: (stepUs) => log.warn({ stepUs }, 'wall clock stepped; stamps are unaffected (they follow the monotonic clock)'),
  });

  const forwarder = createForwarder({
    agentId: config.agentId,
    brokerUrl: config.broker.url,
    tls: brokerTls,
    username: credentials.username,
    password: credentials.password,
    ackKey: credentials.ackKey,
    store,
    logger,
    maxInFlight: config.forward.maxInFlight,
    ackTimeoutMs: config.forward.ackTimeoutMs,
    reconnect: { initialMs: config.forward.reconnectInitialMs, maxMs: config.forward.reconnectMaxMs },
    status: () => status() as unknown as Record<string, unknown>,
    statusIntervalMs: config.statusIntervalMs,
    subscriptions: [
      { topic: topics.timeResponse(config.agentId), onMessage: (payload) => probe?.onResponse(payload) },
      { topic: topics.cluster, onMessage: learnPartitions },
    ],
  });
  if (config.clock.probeIntervalMs > 0) {
    probe = createTimeProbe({
      agentId: config.agentId, clock, intervalMs: config.clock.probeIntervalMs, publish: forwarder.publish, ackKey: credentials.ackKey, logger,
    });
  }

  const flushTimer = setInterval(() => {
    recorder.flush();
    lingering.sealDue();
    // Deletes that failed (disk full) are retried here too, so they finish when the agent is idle.
    if (store.retryRemovals()) forwarder.wake();
  }, config.batch.flushIntervalMs);
  flushTimer.unref();
  let closed: Promise<void> | undefined;
  // What the collector acknowledges before close leaves the buffer; the rest stays there for the
  // next start. No waiting while the broker is unreachable: it would only delay the exit.
  const deliverBuffered = async () => {
    if (config.forward.closeTimeoutMs === 0 || store.counters().batches === 0) return;
    await forwarder.drained(config.forward.closeTimeoutMs, true).catch((err: Error) => {
      log.warn({ reason: err.message, batches: store.counters().batches }, 'closing with hops still buffered; they are sent at the next start');
    });
  };

  return {
    agentId: config.agentId,
    key: (text) => journeyKey(text),
    stamp: recorder.stamp,
    record: recorder.record,
    durably: commits.durably,
    flush: () => {
      sealAll();
      commits.commitNow();
    },
    status,
    drained(timeoutMs) {
      sealAll();
      commits.commitNow();
      return forwarder.drained(timeoutMs);
    },
    close() {
      closed ??= (async () => {
        clearInterval(flushTimer);
        probe?.stop();
        steps.stop();
        sealAll();
        commits.commitNow();
        await deliverBuffered();
        await forwarder.close();
        store.close();
      })();
      return closed;
    },
  };
}
