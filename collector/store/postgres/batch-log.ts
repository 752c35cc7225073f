// The batch log on PostgreSQL (ports/batch-log.ts), with the same semantics as the SQLite store.
import type { BatchLog, LoggedBatch } from '../ports/batch-log.js';
import type { MetaTable } from './meta-table.js';
import type { SyncPostgres } from './sync-postgres.js';

// Payloads read per statement while replaying: a restart may read many megabytes of them.
const PAGE = 500;

export function createPostgresBatchLog(db: SyncPostgres, meta: MetaTable): BatchLog {
  let prunedBelow = Number(meta.get('pruned_below') ?? 1);
  return {
    insertBatch(b) {
      const rows = db.query<{ id: number }>(`INSERT INTO batches (agent_id, stream_id, seq, received_at_ms, hops, payload) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT DO NOTHING RETURNING id`, [b.agentId, b.streamId, b.seq, b.receivedAtMs, b.hops, b.payload]);
      return rows[0]?.id;
    },
    *batchesFrom(id) {
      for (let from = id; ;) {
        const page = db.query<LoggedBatch>(`SELECT id, agent_id AS "agentId", received_at_ms AS "receivedAtMs", payload FROM batches
          WHERE id >= $1 AND payload IS NOT NULL ORDER BY id LIMIT ${PAGE}`, [from]);
        for (const b of page) yield { ...b, payload: Buffer.from(b.payload.buffer, b.payload.byteOffset, b.payload.byteLength) };
        if (page.length < PAGE) return;
        from = page[page.length - 1]!.id + 1;
      }
    },
    replayFromBatchId: () => Number(meta.get('replay_from') ?? 1),
    prune(nowMs, dedupeRetentionMs) {
      const replayFrom = Number(meta.get('replay_from') ?? 1);
      if (replayFrom > prunedBelow) {
        db.query('UPDATE batches SET payload = NULL WHERE id >= $1 AND id < $2', [prunedBelow, replayFrom]);
        prunedBelow = replayFrom;
        meta.set('pruned_below', String(prunedBelow));
      }
      db.query('DELETE FROM batches WHERE received_at_ms < $1', [nowMs - dedupeRetentionMs]);
    },
    partitionCount(proposed) {
      // Collectors starting at once on a new database: the first insert wins, every one reads it.
      db.query('INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', ['partition_count', String(proposed)]);
      return Number(meta.get('partition_count'));
    },
  };
}
