// Taking partitions over and handing them over while the collector runs (README, "Partitions"):
// what a lease keeper calls when it wins or gives up a partition's lease. Both run between
// ingest ticks (ticks are synchronous), so no tick ever sees half of a handover.
//
// adopt: restore the partitions' open journeys and replay their logged batches (recovery.ts),
//   then take their batches in (ingest) and subscribe to their topics. Until then their batches
//   reach no one and agents send them again: nothing is joined before its replay.
// release: stop taking their batches in (one that arrives is left unanswered, so the agent sends
//   it again, to the next owner), unsubscribe, then write every open journey of theirs and their
//   replay positions in one transaction (retried while the store fails), and only then forget them.
// forget: the lease was lost (another collector owns the partitions now): drop them at once,
//   writing nothing, since the new owner carries on from what the store has.
import type { BrokerLink } from '../broker/broker-link.js';
import type { HeldPartitions } from '../join/held-partitions.js';
import { LeaseLostError } from '../store/ports/partition-leases.js';
import { recoverPartitions, type RecoveryBounds, type RecoveryParts, type RecoveryResult } from './recovery.js';

export interface PartitionHandoverOptions extends RecoveryParts {
  readonly held: HeldPartitions;
  /** The broker link, once it is up (undefined before: the link subscribes to what is held when it starts). */
  readonly broker: () => BrokerLink | undefined;
  readonly bounds: RecoveryBounds;
  readonly nowMs: () => number;
  /** Runs in the release's transaction: throws (LeaseLostError) when these partitions are owned by another collector now. */
  readonly fence?: (partitions: readonly number[]) => void;
  /** How long to wait before writing a release checkpoint again when the store failed. */
  readonly retryMs?: number;
}

export interface PartitionHandoverCounters {
  readonly adopted: number;
  readonly released: number;
  readonly releaseStoreRetries: number;
  readonly forgotten: number;
}

export interface PartitionHandover {
  /** The partitions held now, ascending. */
  held(): number[];
  /** Takes these partitions over (those held already are left out). Resolves once their batches are taken in. */
  adopt(partitions: readonly number[]): Promise<RecoveryResult>;
  /** Hands these partitions over (those not held are left out). Resolves once their journeys are in the store. */
  release(partitions: readonly number[]): Promise<void>;
  /** Drops these partitions without writing anything (their lease was lost); one being taken over is dropped once its replay ends. */
  forget(partitions: readonly number[]): void;
  counters(): PartitionHandoverCounters;
}

export function createPartitionHandover(options: PartitionHandoverOptions): PartitionHandover {
  const { held, joiner, store, commit } = options;
  const log = options.logger.child({ component: 'handover' });
  const retryMs = options.retryMs ?? 1000;
  const counters = { adopted: 0, released: 0, releaseStoreRetries: 0, forgotten: 0 };
  // Partitions between recovery and held.add, and those of them whose lease was lost meanwhile.
  const adopting = new Set<number>();
  const lostWhileAdopting = new Set<number>();
  // One handover at a time: each one's steps assume the held set they started from.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  const adopt = async (requested: readonly number[]): Promise<RecoveryResult> => {
    const partitions = [...new Set(requested)].filter((p) => !held.has(p)).sort((a, b) => a - b);
    if (partitions.length === 0) return { restoredOpen: 0, replayedBatches: 0, lastBatchId: commit.lastBatchId };
    const complete = partitions.length + held.list().length === held.count;
    for (const p of partitions) adopting.add(p);
    let result: RecoveryResult;
    try {
      result = await recoverPartitions(options, { partitions, complete }, options.bounds, options.nowMs());
    } finally {
      for (const p of partitions) adopting.delete(p);
    }
    const lost = partitions.filter((p) => lostWhileAdopting.delete(p));
    const kept = partitions.filter((p) => !lost.includes(p));
    if (lost.length > 0) drop(lost);
    held.add(kept);
    await options.broker()?.subscribePartitions(kept);
    counters.adopted += kept.length;
    log.info({ partitions: kept, restoredOpen: result.restoredOpen, replayed: result.replayedBatches }, 'partitions taken over');
    return result;
  };

  const release = async (requested: readonly number[]): Promise<void> => {
    const partitions = [...new Set(requested)].filter((p) => held.has(p)).sort((a, b) => a - b);
    if (partitions.length === 0) return;
    held.delete(partitions);
    await options.broker()?.unsubscribePartitions(partitions);
    for (;;) {
      const writes = joiner.releaseWrites(partitions, commit.lastBatchId);
      try {
        store.transaction(() => {
          options.fence?.(partitions);
          store.writeCheckpoint(writes);
        });
        break;
      } catch (err) {
        if (err instanceof LeaseLostError) {
          log.warn({ partitions, err: err.message }, 'handed-over partitions are owned by another collector already; their state is dropped unwritten');
          break;
        }
        counters.releaseStoreRetries++;
        log.warn({ partitions, err: (err as Error).message }, 'writing the handed-over partitions failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
    joiner.released(partitions);
    counters.released += partitions.length;
    log.info({ partitions }, 'partitions handed over');
  };

  const drop = (partitions: readonly number[]) => {
    joiner.released(partitions);
    counters.forgotten += partitions.length;
    log.warn({ partitions }, 'partitions dropped: their lease was lost');
  };

  const forget = (requested: readonly number[]) => {
    for (const p of requested) if (adopting.has(p)) lostWhileAdopting.add(p);
    const partitions = [...new Set(requested)].filter((p) => held.has(p)).sort((a, b) => a - b);
    if (partitions.length === 0) return;
    held.delete(partitions);
    options.broker()?.unsubscribePartitions(partitions).catch((err: unknown) => {
      log.warn({ partitions, err: (err as Error).message }, 'unsubscribing from lost partitions failed');
    });
    drop(partitions);
  };

  return {
    held: () => held.list(),
    forget,
    adopt: (partitions) => serial(() => adopt(partitions)),
    release: (partitions) => serial(() => release(partitions)),
    counters: () => ({ ...counters }),
  };
}
