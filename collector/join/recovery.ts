// After a restart: open journeys come back from the last checkpoint, and the batches
// logged since its replay position are joined again. Records are written idempotently
// (a replayed hop that a stored record already has changes nothing), so no journey is
// counted twice and none is lost.
import type { Logger } from '../../common/logger.js';
import { decodeBatch } from '../ingest/batch-decoder.js';
import type { RecordSink } from '../ingest/ingest.js';
import type { Store } from '../store/store.js';
import type { ContextInterner } from './context-interner.js';
import type { Joiner } from './joiner.js';

export interface RecoveryResult {
  readonly restoredOpen: number;
  readonly replayedBatches: number;
  readonly lastBatchId: number;
}

const REPLAY_CHUNK = 200;

export function recoverJoinState(store: Store, joiner: Joiner, contexts: ContextInterner, sinks: readonly RecordSink[], bounds: { lateHopWindowMs: number; maxResident: number }, nowMs: number, logger: Logger): RecoveryResult {
  const log = logger.child({ component: 'recovery' });
  joiner.restore(store.openJourneys(bounds.maxResident), store.openJourneyHashes(), store.recentKeys((nowMs - bounds.lateHopWindowMs) * 1000), nowMs);
  const restoredOpen = joiner.openCount;

  let replayed = 0;
  let lastBatchId = store.replayFromBatchId() - 1;
  const pending = [...store.batchesFrom(store.replayFromBatchId())];
  for (let i = 0; i < pending.length; i += REPLAY_CHUNK) {
    try {
      replayChunk(i);
    } catch (err) {
      for (const sink of sinks) sink.rolledBack();
      throw err;
    }
    for (const sink of sinks) sink.committed();
  }
  function replayChunk(i: number): void {
    store.transaction(() => {
      for (const logged of pending.slice(i, i + REPLAY_CHUNK)) {
        lastBatchId = logged.id;
        // Logged batches were valid when they arrived: the clock bound is relaxed, and batches
        // logged before batches carried a checksum are read without one.
        const result = decodeBatch(logged.payload, logged.agentId, { maxHopsPerBatch: Number.MAX_SAFE_INTEGER, latestTimeUs: Number.MAX_SAFE_INTEGER, intern: contexts.intern, allowMissingChecksum: true });
        if (!result.ok) {
          log.error({ batchId: logged.id, reason: result.reason }, 'logged batch no longer decodes; skipped');
          continue;
        }
        joiner.apply(result.batch, logged.id, logged.receivedAtMs, true);
        replayed++;
      }
      const writes = joiner.takeWrites();
      store.writeTick(writes, nowMs);
      for (const sink of sinks) sink.onRecords(writes.records, nowMs);
    });
  }
  if (restoredOpen > 0 || replayed > 0) log.info({ restoredOpen, replayed, openJourneys: joiner.openCount }, 'join state recovered');
  return { restoredOpen, replayedBatches: replayed, lastBatchId: Math.max(lastBatchId, 0) };
}
