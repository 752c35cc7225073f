// Ingest as a pipeline of named steps, run once per tick over every batch that arrived:
//   decode (and validate) -> dedupe + store + join + persist, in one transaction (the commit
//   step, commit-step.ts, shared with the replay after a restart) -> ack.
// The collector acknowledges a batch only after that transaction commits. A redelivered
// batch is acknowledged again and counted once. A bad batch is rejected with a reason and
// never disturbs the good batches beside it.
import { createLogThrottle } from '../../common/log-throttle.js';
import type { Logger } from '../../common/logger.js';
import type { JourneyContext } from '../../proto/hop-context.js';
import { agentIdOf, hopsTopicOf, legacyHopsAgentOf, topics } from '../../proto/topics.js';
import { AckStatus, WireBatchAck } from '../../proto/wire.js';
import { batchAckMac, verifiedStatus } from '../../common/ack-signature.js';
import type { RejectReason } from '../errors.js';
import type { DecodedBatch } from '../join/decoded-batch.js';
import type { HeldPartitions } from '../join/held-partitions.js';
import type { PartitionLag } from '../store/ports/partition-leases.js';
import type { Store } from '../store/store.js';
import { decodeBatch } from './batch-decoder.js';
import { createHopTally } from './hop-tally.js';
import type { CommitStep, JoinInput } from './commit-step.js';

export interface IngestOptions {
  /** Where batches are logged (dedupe on agent, stream and seq). */
  readonly store: Store;
  readonly commit: CommitStep;
  readonly publish: (topic: string, payload: Uint8Array) => void;
  readonly logger: Logger;
  readonly nowMs: () => number;
  /** Shares one object per distinct context across batches. */
  readonly internContext: (ctx: JourneyContext) => JourneyContext;
  readonly maxQueuedBatches: number;
  readonly maxBatchBytes: number;
  readonly maxHopsPerBatch: number;
  readonly maxFutureSkewMs: number;
  readonly maxBatchesPerTick: number;
  readonly tickIntervalMs: number;
  /** The key an agent's acks are signed with, and its batches must be; undefined (or no option): unsigned. */
  readonly ackKey?: (agentId: string) => Uint8Array | undefined;
  /** An agent whose credential was revoked: its batches are dropped unanswered. */
  readonly revoked?: (agentId: string) => boolean;
  /** The partitions whose batches this collector takes in; batches of others are left unanswered. */
  readonly partitions: HeldPartitions;
}

export interface IngestCounters {
  batchesStored: number;
  batchesDuplicate: number;
  batchesRejected: number;
  hopsStored: number;
  overloaded: number;
  storeFailures: number;
  rejectedByReason: Record<string, number>;
  /** Statuses of an agent the collector holds a credential for, without a valid mac: ignored. */
  statusesUnsigned: number;
  /** Batches of a partition this collector does not hold (it was handed over): not acknowledged, so the agent sends them again to the owner. */
  batchesNotHeld: number;
  /** Ticks that left batches for the next tick because they had MAX_HOPS_PER_TICK hops already. */
  ticksAtHopBound: number;
}

export interface Ingest {
  /** Queues a message from hopwatch/v2/<agentId>/hops/<partition> (or v1's hops topic); false when the queue is full (not acked: the agent resends). */
  offer(topic: string, payload: Buffer): boolean;
  /** Latest status an agent published (kept in memory, written at the next tick). */
  offerStatus(topic: string, payload: Buffer): void;
  readonly counters: Readonly<IngestCounters>;
  readonly queued: number;
  /** For each of `partitions`: its batches waiting and how long the oldest has waited (one pass over the queue; per lease renewal). */
  lag(partitions: readonly number[], nowMs: number): PartitionLag[];
  agentStatuses(): ReadonlyMap<string, Record<string, unknown>>;
  /** Runs ticks until the queue is empty (tests), or for `withinMs` at most (shutdown); none while paused. */
  drain(withinMs?: number): void;
  /**
   * No ticks until every pause is resumed (a takeover's replay runs meanwhile, shutdown hands
   * partitions over): batches still queue, up to maxQueuedBatches, and wait unacknowledged.
   */
  pause(): void;
  resume(): void;
  close(): void;
}

interface Inbound {
  readonly topicAgentId: string | undefined;
  /** undefined: the version-1 topic, whose batches have no partition. */
  readonly topicPartition: number | undefined;
  readonly payload: Buffer;
  readonly receivedAtMs: number;
}

type Outcome =
  | { readonly kind: 'decoded'; readonly batch: DecodedBatch; readonly msg: Inbound }
  | { readonly kind: 'rejected'; readonly agentId: string | undefined; readonly reason: RejectReason; readonly detail: string; readonly streamId: number; readonly seq: number }
  | { readonly kind: 'not-held' };

interface Tick {
  /** Cut short by decode at MAX_HOPS_PER_TICK hops: the rest go back to the queue's front. */
  readonly messages: Inbound[];
  readonly nowMs: number;
  decoded: { batch: DecodedBatch; msg: Inbound }[];
  rejected: Extract<Outcome, { kind: 'rejected' }>[];
  stored: DecodedBatch[];
  duplicates: DecodedBatch[];
  committed: boolean;
}

const MAX_STATUS_BYTES = 64 * 1024;
/**
 * Hops one tick takes at most (with the batch that crosses it): a tick holds the event loop,
 * and with it the lease keeper's renewals, for this many hops' cost (about 0.3 s on PostgreSQL
 * at 10 to 20 CPU us a hop), whatever size the agents' batches have.
 */
const MAX_HOPS_PER_TICK = 16_384;

export function createIngest(options: IngestOptions): Ingest {
  const { store, logger } = options;
  const log = logger.child({ component: 'ingest' });
  const rejectLogs = createLogThrottle(60_000, options.nowMs);
  const queue: Inbound[] = [];
  const statuses = new Map<string, Record<string, unknown>>();
  const dirtyStatuses = new Map<string, Record<string, unknown>>();
  let scheduled = false;
  let pauses = 0;
  const counters: IngestCounters = {
    batchesStored: 0, batchesDuplicate: 0, batchesRejected: 0, hopsStored: 0, overloaded: 0, storeFailures: 0, rejectedByReason: {}, statusesUnsigned: 0,
    batchesNotHeld: 0, ticksAtHopBound: 0,
  };
  const { partitions } = options;

  // Step 1: decode and validate, outside the transaction.
  const decode = (tick: Tick) => {
    let hops = 0;
    for (let i = 0; i < tick.messages.length; i++) {
      if (hops >= MAX_HOPS_PER_TICK) {
        // In arrival order still: the rest are the first of the next tick.
        queue.unshift(...tick.messages.splice(i));
        counters.ticksAtHopBound++;
        break;
      }
      const result = decodeOne(tick.messages[i]!, tick.nowMs);
      if (result.kind === 'decoded') {
        tick.decoded.push(result);
        hops += result.batch.hopCount;
      } else if (result.kind === 'rejected') tick.rejected.push(result);
      else counters.batchesNotHeld++;
    }
  };

  const decodeOne = (msg: Inbound, nowMs: number): Outcome => {
    const agentId = msg.topicAgentId;
    const rejection = (reason: RejectReason, detail: string): Outcome => ({ kind: 'rejected', agentId, reason, detail, streamId: 0, seq: 0 });
    if (agentId === undefined) return rejection('HW_COLLECTOR_BAD_FIELD', 'topic is not hopwatch/v2/<agentId>/hops/<partition> with a valid agent id and partition');
    // Checked here, at the tick, not on arrival: a partition may be handed over while its batches wait.
    const partition = msg.topicPartition;
    // A collector holding every partition takes a batch from any hops topic by its keys: an agent
    // splits by the count it knew when it sealed the batch, which may not be this deployment's yet.
    const holdsAll = partitions.all;
    // Otherwise a partition beyond the count is nobody's: decoding rejects it (no key can be in it), with the batch's seq.
    if (!holdsAll && (partition === undefined || (partition < partitions.count && !partitions.has(partition)))) return { kind: 'not-held' };
    if (msg.payload.length > options.maxBatchBytes) return rejection('HW_COLLECTOR_TOO_LARGE', `${msg.payload.length} bytes, at most ${options.maxBatchBytes}`);
    if (options.revoked?.(agentId)) return rejection('HW_COLLECTOR_AGENT_REVOKED', 'the agent\'s credential was revoked');
    const macKey = options.ackKey?.(agentId);
    const result = decodeBatch(msg.payload, agentId, {
      maxHopsPerBatch: options.maxHopsPerBatch, latestTimeUs: (nowMs + options.maxFutureSkewMs) * 1000, intern: options.internContext, ...(macKey ? { macKey } : {}),
      ...(partition === undefined ? { allowLegacyVersion: true } : { partition: holdsAll ? { count: partitions.count } : { index: partition, count: partitions.count } }),
    });
    if (result.ok) return { kind: 'decoded', batch: result.batch, msg };
    return { kind: 'rejected', agentId, reason: result.reason, detail: result.detail, streamId: result.streamId, seq: result.seq };
  };

  // Step 2: in one transaction, dedupe on (agent, stream, seq) and log new batches, join
  // their hops, write the records that completed, and checkpoint open journeys when due.
  const storeAndJoin = (tick: Tick) => {
    function* logged(): Iterable<JoinInput> {
      const minutes = createHopTally();
      for (const { batch, msg } of tick.decoded) {
        const id = store.insertBatch({
          agentId: batch.agentId, streamId: batch.streamId, seq: batch.seq, partition: batch.partition,
          receivedAtMs: msg.receivedAtMs, hops: batch.hopCount, payload: msg.payload,
        });
        if (id === undefined) {
          tick.duplicates.push(batch);
          continue;
        }
        tick.stored.push(batch);
        minutes.add(msg.receivedAtMs, batch.hopCount);
        yield { batch, batchId: id, receivedAtMs: msg.receivedAtMs };
      }
      // The commit step reads this generator to its end inside the tick's transaction: the counts commit with the batches.
      store.addHopMinutes(minutes.rows());
    }
    const committed = options.commit.run({ nowMs: tick.nowMs, joinNowMs: tick.nowMs, replaying: false, batches: logged, statuses: dirtyStatuses });
    if (committed) {
      dirtyStatuses.clear();
      tick.committed = true;
    } else {
      // Nothing of this tick is stored or kept: no ack goes out and agents send again.
      counters.storeFailures++;
    }
  };

  // Step 3: acknowledge, after the commit.
  const acknowledge = (tick: Tick) => {
    const ack = (agentId: string, streamId: number, seq: number, status: number, reason = '', detail = '') => {
      // Signed so that an agent can tell this ack from one anybody else published on its topic.
      const key = options.ackKey?.(agentId);
      const mac = key ? batchAckMac(key, agentId, streamId, seq, status, reason) : undefined;
      options.publish(topics.ack(agentId), WireBatchAck.encode({ streamId, seq, status, reason, detail, mac }).finish());
    };
    for (const r of tick.rejected) {
      counters.batchesRejected++;
      counters.rejectedByReason[r.reason] = (counters.rejectedByReason[r.reason] ?? 0) + 1;
      // A flood of bad batches (a broken or hostile client) logs a line per agent and reason a minute.
      const count = rejectLogs.due(`${r.agentId ?? ''} ${r.reason}`);
      if (count !== undefined) log.warn({ code: r.reason, agentId: r.agentId, detail: r.detail, rejectedSinceLastLine: count }, 'batch rejected');
      // A batch the agent did not sign gets no answer: a signed REJECTED for its (stream, seq)
      // would make the agent drop the real batch of that seq. A revoked agent gets none either.
      if (r.agentId !== undefined && r.reason !== 'HW_COLLECTOR_BAD_MAC' && r.reason !== 'HW_COLLECTOR_AGENT_REVOKED') ack(r.agentId, r.streamId, r.seq, AckStatus.REJECTED, r.reason, r.detail);
    }
    if (!tick.committed) return;
    for (const b of tick.stored) {
      counters.batchesStored++;
      counters.hopsStored += b.hopCount;
      ack(b.agentId, b.streamId, b.seq, AckStatus.STORED);
    }
    for (const b of tick.duplicates) {
      counters.batchesDuplicate++;
      ack(b.agentId, b.streamId, b.seq, AckStatus.DUPLICATE);
    }
  };

  const steps = [decode, storeAndJoin, acknowledge] as const;

  const tick = () => {
    scheduled = false;
    if (pauses > 0) return;
    const t: Tick = {
      messages: queue.splice(0, options.maxBatchesPerTick), nowMs: options.nowMs(),
      decoded: [], rejected: [], stored: [], duplicates: [], committed: false,
    };
    for (const step of steps) step(t);
    if (queue.length > 0) schedule();
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(tick);
  };

  // Time-outs, settling journeys and checkpoints need ticks even when nothing arrives.
  const timer = setInterval(schedule, options.tickIntervalMs);
  timer.unref();

  return {
    offer(topic, payload) {
      if (queue.length >= options.maxQueuedBatches) {
        counters.overloaded++;
        return false;
      }
      const hops = hopsTopicOf(topic);
      const topicAgentId = hops?.agentId ?? legacyHopsAgentOf(topic);
      queue.push({ topicAgentId, topicPartition: hops?.partition, payload, receivedAtMs: options.nowMs() });
      schedule();
      return true;
    },
    offerStatus(topic, payload) {
      const agentId = agentIdOf(topic, 'status');
      if (agentId === undefined || payload.length > MAX_STATUS_BYTES) return;
      try {
        const status = JSON.parse(payload.toString('utf8')) as unknown;
        if (typeof status !== 'object' || status === null || Array.isArray(status)) return;
        // Anyone the broker lets publish there could otherwise mark the agent offline or fake its buffer.
        const key = options.ackKey?.(agentId);
        const accepted = key ? verifiedStatus(key, agentId, status as Record<string, unknown>) : status as Record<string, unknown>;
        if (!accepted) {
          counters.statusesUnsigned++;
          log.debug({ agentId }, 'status without a valid mac; ignored');
          return;
        }
        statuses.set(agentId, accepted);
        dirtyStatuses.set(agentId, accepted);
      } catch {
        log.debug({ agentId }, 'status is not JSON; ignored');
      }
    },
    counters,
    get queued() {
      return queue.length;
    },
    lag(wanted, nowMs) {
      const waiting = new Map<number, { oldestMs: number; batches: number }>();
      // The queue is in arrival order: the first batch seen of a partition is its oldest.
      for (const m of queue) {
        if (m.topicPartition === undefined) continue;
        const w = waiting.get(m.topicPartition);
        if (w) w.batches++;
        else waiting.set(m.topicPartition, { oldestMs: m.receivedAtMs, batches: 1 });
      }
      return wanted.map((partition) => {
        const w = waiting.get(partition);
        return { partition, lagMs: w ? Math.max(0, nowMs - w.oldestMs) : 0, queuedBatches: w?.batches ?? 0 };
      });
    },
    agentStatuses: () => statuses,
    drain(withinMs = Infinity) {
      const untilMs = performance.now() + withinMs;
      do tick();
      while (queue.length > 0 && pauses === 0 && performance.now() < untilMs);
    },
    pause() {
      pauses++;
    },
    resume() {
      pauses = Math.max(0, pauses - 1);
      if (pauses === 0 && queue.length > 0) schedule();
    },
    close() {
      clearInterval(timer);
    },
  };
}

