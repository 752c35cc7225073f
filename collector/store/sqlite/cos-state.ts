// SQLite implementation of CosStore: metric_cos.
import type Database from 'better-sqlite3';
import type { CosStore } from '../ports/cos-state.js';

export function createSqliteCosState(db: Database.Database): CosStore {
  const s = {
    save: db.prepare(`INSERT INTO metric_cos (key, started_us, group_id, device, party, success, reason_id, rescued_us) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
      ON CONFLICT (key, started_us) DO UPDATE SET group_id = excluded.group_id, success = excluded.success, reason_id = excluded.reason_id`),
    drop: db.prepare('DELETE FROM metric_cos WHERE key = ? AND started_us = ?'),
    rescue: db.prepare(`UPDATE metric_cos SET rescued_us = ? WHERE device = ? AND party = ? AND success = 0 AND rescued_us IS NULL
      AND started_us < ? AND started_us >= ?`),
    unrescued: db.prepare('SELECT device, max(started_us) AS lastUs FROM metric_cos WHERE success = 0 AND rescued_us IS NULL GROUP BY device'),
    between: db.prepare('SELECT started_us AS startedUs, group_id AS groupId, success, reason_id AS reasonId, rescued_us AS rescuedUs FROM metric_cos WHERE started_us >= ? AND started_us < ?'),
  };
  return {
    saveRequest: (r) => void s.save.run(r.key, r.startedUs, r.groupId, r.device, r.party, r.success ? 1 : 0, r.reasonId),
    dropRequest: (key, startedUs) => void s.drop.run(key, startedUs),
    rescue: (device, party, atUs, sinceUs, beforeUs) => void s.rescue.run(atUs, device, party, beforeUs, sinceUs),
    unrescuedFailures: () => s.unrescued.all() as { device: string; lastUs: number }[],
    requestsBetween: (fromUs, toUs) => (s.between.all(fromUs, toUs) as { startedUs: number; groupId: number; success: number; reasonId: number; rescuedUs: number | null }[])
      .map((r) => ({ ...r, success: r.success === 1 })),
  };
}
