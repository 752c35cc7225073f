// After a restart: open journeys come back from the last checkpoint, and the batches
// logged since its replay position are decoded and joined again, through the same commit
// step as live ticks (commit-step.ts), a chunk of batches per transaction. Records are
// written idempotently (a replayed hop that a stored record already has changes nothing),
// so no journey is counted twice and none is lost. A chunk whose commit fails (a full disk)
// is tried again, as a live tick's batches are, until the store takes it.
import type { Logger } from '../../common/logger.js';
import type { ContextInterner } from '../join/context-interner.js';
import type { Joiner } from '../join/joiner.js';
import type { Store } from '../store/store.js';
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

const REPLAY_CHUNK = 200;
/** How long to wait before trying a chunk whose commit failed again. */
const REPLAY_RETRY_MS = 1000;

export async function recoverJoinState(parts: RecoveryParts, bounds: { lateHopWindowMs: number; maxResident: number }, nowMs: number): Promise<RecoveryResult> {
  const { store, joiner, commit } = parts;
  const log = parts.logger.child({ component: 'recovery' });
  joiner.restore(store.openJourneys(bounds.maxResident), store.openJourneyHashes(), store.recentKeys((nowMs - bounds.lateHopWindowMs) * 1000), nowMs);
  const restoredOpen = joiner.openCount;

  let replayed = 0;
  const pending = [...store.batchesFrom(store.replayFromBatchId())];
  for (let i = 0; i < pending.length; i += REPLAY_CHUNK) {
    const chunk = pending.slice(i, i + REPLAY_CHUNK);
    let joined: number;
    function* decoded(): Iterable<JoinInput> {
      for (const logged of chunk) {
        // Logged batches were valid when they arrived: the clock bound is relaxed, and batches
        // logged before batches carried a checksum are read without one.
        const result = decodeBatch(logged.payload, logged.agentId, {
          maxHopsPerBatch: Number.MAX_SAFE_INTEGER, latestTimeUs: Number.MAX_SAFE_INTEGER, intern: parts.contexts.intern, allowMissingChecksum: true,
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
      if (commit.run({ nowMs, joinNowMs, replaying: true, batches: decoded })) break;
      if (attempt === 1) log.warn({ fromBatchId: chunk[0]!.id, toBatchId: chunk.at(-1)!.id }, 'replay waits for the store: trying again every second');
      await new Promise((resolve) => setTimeout(resolve, REPLAY_RETRY_MS));
    }
    replayed += joined;
  }
  if (restoredOpen > 0 || replayed > 0) log.info({ restoredOpen, replayed, openJourneys: joiner.openCount }, 'join state recovered');
  return { restoredOpen, replayedBatches: replayed, lastBatchId: Math.max(commit.lastBatchId, 0) };
}
