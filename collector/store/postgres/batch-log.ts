// The batch log on PostgreSQL (ports/batch-log.ts), with the same semantics as the SQLite store.
import type { BatchLog, LoggedBatch } from '../ports/batch-log.js';
import { lowestPosition, partitionOfStoredKey, positionsOf, type PositionRow } from '../partition-rows.js';
import type { MetaTable } from './meta-table.js';
import type { SyncPostgres } from './sync-postgres.js';

// Payloads read per statement while replaying: a restart may read many megabytes of them.
const PAGE = 500;

export function createPostgresBatchLog(db: SyncPostgres, meta: MetaTable): BatchLog {
  let prunedBelow = Number(meta.get('pruned_below') ?? 1);
  const positionRows = () => db.query<PositionRow>('SELECT partition, replay_from AS "replayFrom" FROM partition_positions');
  /** The one replay position a store kept before partitions: where a partition no checkpoint wrote replays from. */
  const legacyReplayFrom = () => Number(meta.get('replay_from') ?? 1);
  const recordedCount = () => {
    const value = meta.get('partition_count');
    return value === undefined ? undefined : Number(value);
  };
  const lowest = () => lowestPosition(positionRows(), recordedCount(), legacyReplayFrom());
  return {
    insertBatch(b) {
      const rows = db.query<{ id: number }>(`INSERT INTO batches (agent_id, stream_id, seq, received_at_ms, hops, payload, partition) VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT DO NOTHING RETURNING id`, [b.agentId, b.streamId, b.seq, b.receivedAtMs, b.hops, b.payload, b.partition]);
      return rows[0]?.id;
    },
    *batchesFrom(id, partitions) {
      const only = partitions === undefined ? '' : 'AND partition = ANY($2::integer[])';
      for (let from = id; ;) {
        const page = db.query<LoggedBatch>(`SELECT id, agent_id AS "agentId", received_at_ms AS "receivedAtMs", payload, partition FROM batches
          WHERE id >= $1 AND payload IS NOT NULL ${only} ORDER BY id LIMIT ${PAGE}`, partitions === undefined ? [from] : [from, [...partitions]]);
        for (const b of page) yield { ...b, payload: Buffer.from(b.payload.buffer, b.payload.byteOffset, b.payload.byteLength) };
        if (page.length < PAGE) return;
        from = page[page.length - 1]!.id + 1;
      }
    },
    replayFromBatchId: lowest,
    replayPositions: (partitions) => positionsOf(positionRows(), partitions, legacyReplayFrom()),
    prune(nowMs, dedupeRetentionMs) {
      const replayFrom = lowest();
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
      const count = recordedCount()!;
      // Open journeys checkpointed before partitions get theirs, once: the count is known now.
      const keys = db.query<{ key: string }>('SELECT key FROM open_journeys WHERE partition = -1').map((r) => r.key);
      if (keys.length > 0) {
        db.query(`UPDATE open_journeys o SET partition = u.partition FROM unnest($1::text[], $2::integer[]) AS u (key, partition) WHERE o.key = u.key`,
          [keys, keys.map((k) => partitionOfStoredKey(k, count))]);
      }
      return count;
    },
  };
}
