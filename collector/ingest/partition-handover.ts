// Taking partitions over and handing them over while the collector runs (README, "Partitions"):
// what a lease keeper calls when it wins or gives up a partition's lease. Both run between
// ingest ticks (ticks are synchronous), so no tick ever sees half of a handover.
//
// adopt: restore the partitions' open journeys and replay their logged batches (recovery.ts),
//   then take their batches in (ingest) and subscribe to their topics. Until then their batches
//   reach no one and agents send them again: nothing is joined before its replay. The replay
//   gives the event loop back between chunks, so that the lease keeper renews meanwhile, but
//   ingest ticks wait for its end (ingest.pause): a live tick would close the partitions'
//   restored journeys at the live time before their logged hops are replayed into them. A
//   partition lost meanwhile (forget), or the collector closing, stops the replay after its
//   chunk: the partitions' journeys leave memory, and the adoption fails, so the lease keeper
//   gives the others back (their replay starts again at their next owner).
// release: stop taking their batches in (one that arrives is left unanswered, so the agent sends
//   it again, to the next owner), unsubscribe, then write every open journey of theirs and their
//   replay positions in one transaction (retried while the store fails), and only then forget them.
// forget: the lease was lost (another collector owns the partitions now): drop them at once,
//   writing nothing, since the new owner carries on from what the store has.
// close: at shutdown, stops a replay at once and refuses new ones; a release the store does not
//   take within the time given is given up: its partitions are left to lease expiry, and their
//   next owner replays their logged batches.
import { setTimeout as wait } from 'node:timers/promises';
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
  /** Paused while a takeover replays (see above). */
  readonly ingest?: { pause(): void; resume(): void };
}

export interface PartitionHandoverCounters {
  readonly adopted: number;
  readonly released: number;
  readonly releaseStoreRetries: number;
  readonly forgotten: number;
  /** Takeovers stopped before their replay ended (a lease lost meanwhile, shutdown). */
  readonly adoptionsStopped: number;
  /** Releases given up at shutdown: left to lease expiry. */
  readonly releasesAbandoned: number;
}

export interface PartitionHandover {
  /** The partitions held now, ascending. */
  held(): number[];
  /** Takes these partitions over (those held already are left out). Resolves once their batches are taken in. */
  adopt(partitions: readonly number[]): Promise<RecoveryResult>;
  /** Hands these partitions over (those not held are left out). Resolves once their journeys are in the store. */
  release(partitions: readonly number[]): Promise<void>;
  /** Drops these partitions without writing anything (their lease was lost); a takeover of one of them stops and fails. */
  forget(partitions: readonly number[]): void;
  /** Shutdown: stops a takeover now, refuses new ones, and gives up releases still not written after `giveUpAfterMs`. */
  close(giveUpAfterMs: number): void;
  counters(): PartitionHandoverCounters;
}

export function createPartitionHandover(options: PartitionHandoverOptions): PartitionHandover {
  const { held, joiner, store, commit } = options;
  const log = options.logger.child({ component: 'handover' });
  const retryMs = options.retryMs ?? 1000;
  const counters = { adopted: 0, released: 0, releaseStoreRetries: 0, forgotten: 0, adoptionsStopped: 0, releasesAbandoned: 0 };
  // Partitions between recovery and held.add, and how to stop their replay.
  const adopting = new Set<number>();
  let adoption: AbortController | undefined;
  // Aborted by close(): no takeover from then on; givingUp: releases stop retrying.
  const closing = new AbortController();
  const givingUp = new AbortController();
  // One handover at a time: each one's steps assume the held set they started from.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  const adopt = async (requested: readonly number[]): Promise<RecoveryResult> => {
    closing.signal.throwIfAborted();
    const partitions = [...new Set(requested)].filter((p) => !held.has(p)).sort((a, b) => a - b);
    if (partitions.length === 0) return { restoredOpen: 0, replayedBatches: 0, lastBatchId: commit.lastBatchId };
    const complete = partitions.length + held.list().length === held.count;
    for (const p of partitions) adopting.add(p);
    const stop = (adoption = new AbortController());
    const onClose = () => stop.abort(closing.signal.reason);
    closing.signal.addEventListener('abort', onClose);
    options.ingest?.pause();
    let result: RecoveryResult;
    try {
      result = await recoverPartitions(options, { partitions, complete }, options.bounds, options.nowMs(), stop.signal);
    } catch (err) {
      if (stop.signal.aborted) counters.adoptionsStopped++;
      // What the replay committed is in the store; what it holds in memory goes, uncommitted to anyone.
      drop(partitions, 'partitions not taken over: their replay stopped');
      throw stop.signal.aborted ? stop.signal.reason : err;
    } finally {
      for (const p of partitions) adopting.delete(p);
      adoption = undefined;
      closing.signal.removeEventListener('abort', onClose);
      options.ingest?.resume();
    }
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
        if (givingUp.signal.aborted) {
          counters.releasesAbandoned += partitions.length;
          log.warn({ partitions, err: (err as Error).message }, 'handing over at shutdown failed: the partitions are left to lease expiry, their next owner replays their logged batches');
          return;
        }
        counters.releaseStoreRetries++;
        log.warn({ partitions, err: (err as Error).message }, 'writing the handed-over partitions failed; trying again');
        // Cut short when shutdown gives up: the next try is the last.
        await wait(retryMs, undefined, { signal: givingUp.signal }).catch(() => undefined);
      }
    }
    joiner.released(partitions);
    counters.released += partitions.length;
    log.info({ partitions }, 'partitions handed over');
  };

  const drop = (partitions: readonly number[], why: string) => {
    try {
      joiner.released(partitions);
    } catch (err) {
      log.error({ partitions, err: (err as Error).message }, 'dropping the partitions\' journeys failed');
    }
    counters.forgotten += partitions.length;
    log.warn({ partitions }, why);
  };

  const forget = (requested: readonly number[]) => {
    const replaying = requested.filter((p) => adopting.has(p));
    if (replaying.length > 0) adoption?.abort(new LeaseLostError(replaying, 'lost while their replay ran'));
    const partitions = [...new Set(requested)].filter((p) => held.has(p)).sort((a, b) => a - b);
    if (partitions.length === 0) return;
    held.delete(partitions);
    options.broker()?.unsubscribePartitions(partitions).catch((err: unknown) => {
      log.warn({ partitions, err: (err as Error).message }, 'unsubscribing from lost partitions failed');
    });
    drop(partitions, 'partitions dropped: their lease was lost');
  };

  const close = (giveUpAfterMs: number) => {
    if (closing.signal.aborted) return;
    closing.abort(new Error('the collector is closing'));
    setTimeout(() => givingUp.abort(), giveUpAfterMs).unref();
  };

  return {
    held: () => held.list(),
    forget,
    close,
    adopt: (partitions) => serial(() => adopt(partitions)),
    release: (partitions) => serial(() => release(partitions)),
    counters: () => ({ ...counters }),
  };
}
