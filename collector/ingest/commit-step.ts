// The one step that commits joined batches, for live ticks and for the replay after a
// restart alike. In one transaction: log and join the batches (apply), close what ran out
// (expire), write the records and the open journeys they replace (takeWrites, writeTick),
// show the records to the sinks, then write agent statuses and, when due, a checkpoint.
// Memory follows the store: only after the commit do the joiner and the sinks keep the
// tick's changes (commit(), committed()); when the transaction fails they drop them (abort(),
// rolledBack()), so the batches agents send again meet the state they met the first time.
import type { Logger } from '../../common/logger.js';
import { CollectorError } from '../errors.js';
import type { DecodedBatch } from '../join/decoded-batch.js';
import type { Joiner } from '../join/joiner.js';
import type { RecordSink } from '../join/record-sink.js';
import { LeaseLostError } from '../store/ports/partition-leases.js';
import type { Store } from '../store/store.js';

/** A batch to join, at its log position. */
export interface JoinInput {
  readonly batch: DecodedBatch;
  readonly batchId: number;
  readonly receivedAtMs: number;
}

export interface TickInput {
  /** Wall time of the tick: records' write time, the sinks' clock, checkpoint interval, pruning. */
  readonly nowMs: number;
  /** The joiner's time: expire and checkpoint run at it (on replay, the latest logged arrival). */
  readonly joinNowMs: number;
  /** Read back from the log after a restart (every unknown key is looked up). */
  readonly replaying: boolean;
  /** Runs inside the transaction: logs what needs logging and yields the batches to join. */
  readonly batches: () => Iterable<JoinInput>;
  readonly statuses?: ReadonlyMap<string, Record<string, unknown>>;
  /** Partitions written beside those held (a takeover's replay, before they are held): the fence checks them too. */
  readonly fencing?: readonly number[];
}

export interface CommitStepOptions {
  readonly store: Store;
  readonly joiner: Joiner;
  readonly sinks: readonly RecordSink[];
  readonly logger: Logger;
  readonly checkpointIntervalMs: number;
  readonly dedupeRetentionMs: number;
  /** Highest log position already joined (the checkpoint's replay position minus one, at start-up). */
  readonly lastBatchId: number;
  /**
   * Runs first in the transaction; throws (LeaseLostError) when this collector no longer owns
   * every partition it holds: a tick may write any of them (expiry, checkpoint), so the whole
   * tick is rolled back and its batches go unacknowledged, to be sent again to the new owner.
   * `also`: the tick's `fencing` partitions, to be owned as well.
   */
  readonly fence?: (also: readonly number[]) => void;
}

export interface CommitStep {
  /** true once committed; false when the store failed (then nothing of the tick is stored or kept). */
  run(tick: TickInput): boolean;
  readonly lastBatchId: number;
}

export function createCommitStep(options: CommitStepOptions): CommitStep {
  const { store, joiner, sinks } = options;
  const log = options.logger.child({ component: 'commit' });
  let lastBatchId = options.lastBatchId;
  let nextCheckpointMs = 0;

  const writeTick = (tick: TickInput): { lastBatchId: number; checkpointed: boolean } => {
    options.fence?.(tick.fencing ?? []);
    let last = lastBatchId;
    for (const { batch, batchId, receivedAtMs } of tick.batches()) {
      joiner.apply(batch, batchId, receivedAtMs, tick.replaying);
      if (batchId > last) last = batchId;
    }
    joiner.expire(tick.joinNowMs);
    const writes = joiner.takeWrites();
    store.writeTick(writes, tick.nowMs);
    for (const sink of sinks) sink.onRecords(writes.records, tick.nowMs);
    for (const [agentId, status] of tick.statuses ?? []) store.upsertAgentStatus(agentId, status, tick.nowMs);
    const checkpointed = tick.nowMs >= nextCheckpointMs || joiner.overBound;
    if (checkpointed) {
      store.writeCheckpoint(joiner.checkpoint(tick.joinNowMs, last));
      store.prune(tick.nowMs, options.dedupeRetentionMs);
    }
    return { lastBatchId: last, checkpointed };
  };

  return {
    run(tick) {
      let done: ReturnType<typeof writeTick>;
      try {
        done = store.transaction(() => writeTick(tick));
      } catch (err) {
        joiner.abort();
        for (const sink of sinks) sink.rolledBack();
        if (err instanceof LeaseLostError) {
          log.warn({ partitions: err.partitions, err: err.message }, 'partition lease lost: tick rolled back, its batches are left to the new owner');
          return false;
        }
        log.error({ code: CollectorError.HW_COLLECTOR_STORE_FAILED.code, err: (err as Error).message }, 'store transaction failed');
        return false;
      }
      joiner.commit();
      for (const sink of sinks) sink.committed();
      lastBatchId = done.lastBatchId;
      if (done.checkpointed) nextCheckpointMs = tick.nowMs + options.checkpointIntervalMs;
      return true;
    },
    get lastBatchId() {
      return lastBatchId;
    },
  };
}
