// After a restart, or when this collector takes partitions over from another: the partitions'
// open journeys come back from the last checkpoint that held them, and the batches logged for
// them since each partition's replay position are decoded and joined again, through the same
// commit step as live ticks (commit-step.ts), a chunk of batches per transaction. Records are
// written idempotently (a replayed hop that a stored record already has changes nothing),
// so no journey is counted twice and none is lost. A chunk whose commit fails (a full disk)
// is tried again, as a live tick's batches are, until the store takes it.
//
// The replay gives the event loop back between chunks, and sizes each chunk to take about
// REPLAY_SLICE_MS: a long replay must not hold up the lease keeper's renewals (a member that
// cannot renew in time loses every lease it holds). Chunks still run in log order, one after
// the other; what else may run in between is the caller's to decide (partition-handover.ts
// keeps ingest ticks out). Each chunk's commit is fenced on the partitions it replays.
import { setImmediate as nextTurn, setTimeout as wait } from 'node:timers/promises';
import type { Logger } from '../../common/logger.js';
import type { ContextInterner } from '../join/context-interner.js';
import type { Joiner } from '../join/joiner.js';
import type { Store } from '../store/store.js';
import type { LoggedBatch } from '../store/ports/batch-log.js';
import { decodeBatch } from './batch-decoder.js';
import type { CommitStep, JoinInput } from './commit-step.js';

export interface RecoveryResult {
  readonly restoredOpen: number;
  readonly replayedBatches: number;
  readonly lastBatchId: number;
}

export interface RecoveryParts {
  readonly store: Store;
  readonly joiner: Joiner;
  readonly commit: CommitStep;
  readonly contexts: ContextInterner;
  readonly logger: Logger;
}

export interface RecoveryBounds {
  readonly lateHopWindowMs: number;
  readonly maxResident: number;
}

/** Which partitions to recover; `complete`: with them every partition is held, so batches of wire version 1 (no partition) are replayed too. */
export interface PartitionScope {
  readonly partitions: readonly number[];
  readonly complete: boolean;
}

/** Batches per chunk at most. */
const REPLAY_CHUNK = 200;
/** Batches in the first chunk, before the cost of one is known. */
const FIRST_CHUNK = 1;
/** About how long one chunk keeps the event loop. */
const REPLAY_SLICE_MS = 50;
/** How long to wait before trying a chunk whose commit failed again. */
const REPLAY_RETRY_MS = 1000;
/** Logged batches of wire version 1 carry this partition (ports/batch-log.ts). */
const VERSION_1 = -1;

/**
 * Restores and replays `scope`'s partitions; the joiner adds them to what it holds (Joiner.adopt).
 * `signal`: checked between chunks; once aborted the replay stops there and rejects with its
 * reason (what it committed stays committed; the joiner still has the partitions' journeys).
 */
export async function recoverPartitions(parts: RecoveryParts, scope: PartitionScope, bounds: RecoveryBounds, nowMs: number, signal?: AbortSignal): Promise<RecoveryResult> {
  const { store, joiner } = parts;
  const log = parts.logger.child({ component: 'recovery' });
  const openBefore = joiner.openCount;
  const { partitions } = scope;
  joiner.adopt(partitions, {
    states: store.openJourneys(bounds.maxResident, partitions),
    openKeys: store.openJourneyHashes(partitions),
    recentlyClosedKeys: store.recentKeys((nowMs - bounds.lateHopWindowMs) * 1000),
  }, nowMs);
  const restoredOpen = joiner.openCount - openBefore;

  const positions = store.replayPositions(partitions);
  const from = Math.min(...positions.values());
  // Each partition from its own position: a batch before it was joined and checkpointed already.
  // Batches of version 1 are all older than any position a checkpoint with partitions wrote.
  const logged = scope.complete ? [...partitions, VERSION_1] : partitions;
  const pending = partitions.length === 0 ? [] : [...store.batchesFrom(from, logged)].filter((b) => b.partition === VERSION_1 || b.id >= positions.get(b.partition)!);
  const replayed = await replay(parts, { pending, partitions, nowMs, signal }, log);
  if (restoredOpen > 0 || replayed > 0) log.info({ partitions: partitions.length, restoredOpen, replayed, openJourneys: joiner.openCount }, 'join state recovered');
  return { restoredOpen, replayedBatches: replayed, lastBatchId: Math.max(parts.commit.lastBatchId, 0) };
}

interface Replay {
  readonly pending: readonly LoggedBatch[];
  /** Fenced in every chunk's commit, beside the partitions held already. */
  readonly partitions: readonly number[];
  readonly nowMs: number;
  readonly signal: AbortSignal | undefined;
}

async function replay(parts: RecoveryParts, run: Replay, log: Logger): Promise<number> {
  const { pending, signal } = run;
  let replayed = 0;
  let size = FIRST_CHUNK;
  for (let next = 0; next < pending.length;) {
    if (next > 0) await giveLoopBack(signal);
    const chunk = pending.slice(next, next + size);
    next += chunk.length;
    const startedMs = performance.now();
    replayed += await replayChunk(parts, run, chunk, log);
    // The next chunk's size from this one's cost per batch (after a failed commit's wait, one batch: the size comes back at the next).
    const perBatchMs = Math.max(performance.now() - startedMs, 0.01) / chunk.length;
    size = Math.max(1, Math.min(REPLAY_CHUNK, Math.floor(REPLAY_SLICE_MS / perBatchMs)));
  }
  return replayed;
}

async function replayChunk(parts: RecoveryParts, run: Replay, chunk: readonly LoggedBatch[], log: Logger): Promise<number> {
  let joined = 0;
  function* decoded(): Iterable<JoinInput> {
    for (const logged of chunk) {
      // Logged batches were valid when they arrived: the clock bound is relaxed, and batches
      // logged before batches carried a checksum, or a partition, are read without one.
      const result = decodeBatch(logged.payload, logged.agentId, {
        maxHopsPerBatch: Number.MAX_SAFE_INTEGER, latestTimeUs: Number.MAX_SAFE_INTEGER, intern: parts.contexts.intern, allowMissingChecksum: true, allowLegacyVersion: true,
      });
      if (!result.ok) {
        log.error({ batchId: logged.id, reason: result.reason }, 'logged batch no longer decodes; skipped');
        continue;
      }
      joined++;
      yield { batch: result.batch, batchId: logged.id, receivedAtMs: logged.receivedAtMs };
    }
  }
  // The joiner's clock runs as it did live: up to the chunk's latest arrival.
  const joinNowMs = chunk.reduce((latest, b) => Math.max(latest, b.receivedAtMs), 0);
  // A failed commit leaves the joiner as it was before the chunk, so the same chunk can run again.
  for (let attempt = 1; ; attempt++) {
    joined = 0;
    if (parts.commit.run({ nowMs: run.nowMs, joinNowMs, replaying: true, batches: decoded, fencing: run.partitions })) return joined;
    if (attempt === 1) log.warn({ fromBatchId: chunk[0]!.id, toBatchId: chunk.at(-1)!.id }, 'replay waits for the store: trying again every second');
    await wait(REPLAY_RETRY_MS, undefined, run.signal && { signal: run.signal });
  }
}

/** Lets timers (the lease keeper's heartbeat) and I/O run before the next chunk. */
async function giveLoopBack(signal: AbortSignal | undefined): Promise<void> {
  await nextTurn();
  signal?.throwIfAborted();
}
