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
import type { BrokerLink } from '../broker/broker-link.js';
import type { HeldPartitions } from '../join/held-partitions.js';
import { recoverPartitions, type RecoveryBounds, type RecoveryParts, type RecoveryResult } from './recovery.js';

export interface PartitionHandoverOptions extends RecoveryParts {
  readonly held: HeldPartitions;
  /** The broker link, once it is up (undefined before: the link subscribes to what is held when it starts). */
  readonly broker: () => BrokerLink | undefined;
  readonly bounds: RecoveryBounds;
  readonly nowMs: () => number;
  /** How long to wait before writing a release checkpoint again when the store failed. */
  readonly retryMs?: number;
}

export interface PartitionHandoverCounters {
  readonly adopted: number;
  readonly released: number;
  readonly releaseStoreRetries: number;
}

export interface PartitionHandover {
  /** The partitions held now, ascending. */
  held(): number[];
  /** Takes these partitions over (those held already are left out). Resolves once their batches are taken in. */
  adopt(partitions: readonly number[]): Promise<RecoveryResult>;
  /** Hands these partitions over (those not held are left out). Resolves once their journeys are in the store. */
  release(partitions: readonly number[]): Promise<void>;
  counters(): PartitionHandoverCounters;
}

export function createPartitionHandover(options: PartitionHandoverOptions): PartitionHandover {
  const { held, joiner, store, commit } = options;
  const log = options.logger.child({ component: 'handover' });
  const retryMs = options.retryMs ?? 1000;
  const counters = { adopted: 0, released: 0, releaseStoreRetries: 0 };
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
    const result = await recoverPartitions(options, { partitions, complete }, options.bounds, options.nowMs());
    held.add(partitions);
    await options.broker()?.subscribePartitions(partitions);
    counters.adopted += partitions.length;
    log.info({ partitions, restoredOpen: result.restoredOpen, replayed: result.replayedBatches }, 'partitions taken over');
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
        store.transaction(() => store.writeCheckpoint(writes));
        break;
      } catch (err) {
        counters.releaseStoreRetries++;
        log.warn({ partitions, err: (err as Error).message }, 'writing the handed-over partitions failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
    joiner.released(partitions);
    counters.released += partitions.length;
    log.info({ partitions }, 'partitions handed over');
  };

  return {
    held: () => held.list(),
    adopt: (partitions) => serial(() => adopt(partitions)),
    release: (partitions) => serial(() => release(partitions)),
    counters: () => ({ ...counters }),
  };
}
