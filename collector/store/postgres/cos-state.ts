// PostgreSQL implementation of CosStore: metric_cos.
import type { CosStore, StoredCosRequest } from '../ports/cos-state.js';
import type { SyncPostgres } from './sync-postgres.js';

export function createPostgresCosState(db: SyncPostgres): CosStore {
  return {
    saveRequest: (r) => void db.query(`INSERT INTO metric_cos (key, started_us, group_id, device, party, success, reason_id, rescued_us) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
      ON CONFLICT (key, started_us) DO UPDATE SET group_id = excluded.group_id, success = excluded.success, reason_id = excluded.reason_id`,
    [r.key, r.startedUs, r.groupId, r.device, r.party, r.success, r.reasonId]),
    dropRequest: (key, startedUs) => void db.query('DELETE FROM metric_cos WHERE key = $1 AND started_us = $2', [key, startedUs]),
    rescue: (device, party, atUs, sinceUs, beforeUs) => void db.query(`UPDATE metric_cos SET rescued_us = $1
      WHERE device = $2 AND party = $3 AND NOT success AND rescued_us IS NULL AND started_us < $4 AND started_us >= $5`, [atUs, device, party, beforeUs, sinceUs]),
    unrescuedFailures: () => db.query<{ device: string; lastUs: number }>('SELECT device, max(started_us) AS "lastUs" FROM metric_cos WHERE NOT success AND rescued_us IS NULL GROUP BY device'),
    requestsBetween: (fromUs, toUs) => db.query<StoredCosRequest>(`SELECT started_us AS "startedUs", group_id AS "groupId", success, reason_id AS "reasonId", rescued_us AS "rescuedUs"
      FROM metric_cos WHERE started_us >= $1 AND started_us < $2 ORDER BY started_us, key`, [fromUs, toUs]),
  };
}
