// PostgreSQL implementation of SequenceStateStore: metric_device_events, metric_topups, metric_tags.
import type { SequenceStateStore, TopUpState } from '../ports/sequence-state.js';
import type { SyncPostgres } from './sync-postgres.js';

export function createPostgresSequenceState(db: SyncPostgres): SequenceStateStore {
  return {
    deviceEvents: (device) => db.query<{ srv: string; lastUs: number }>('SELECT srv, last_us AS "lastUs" FROM metric_device_events WHERE device = $1', [device]),
    noteDeviceEvent: (device, srv, startedUs) => void db.query(`INSERT INTO metric_device_events (device, srv, last_us) VALUES ($1, $2, $3)
      ON CONFLICT (device, srv) DO UPDATE SET last_us = greatest(metric_device_events.last_us, excluded.last_us)`, [device, srv, startedUs]),
    topUp: (device) => db.query<TopUpState>('SELECT last_us AS "lastUs", attempt, failed FROM metric_topups WHERE device = $1', [device])[0],
    saveTopUp: (device, t) => void db.query(`INSERT INTO metric_topups (device, last_us, attempt, failed) VALUES ($1, $2, $3, $4)
      ON CONFLICT (device) DO UPDATE SET last_us = excluded.last_us, attempt = excluded.attempt, failed = excluded.failed`, [device, t.lastUs, t.attempt, t.failed]),
    tagOf: (key, startedUs) => db.query<{ tag: string }>('SELECT tag FROM metric_tags WHERE key = $1 AND started_us = $2', [key, startedUs])[0]?.tag,
    saveTag: (key, startedUs, tag) => void db.query(`INSERT INTO metric_tags (key, started_us, tag) VALUES ($1, $2, $3)
      ON CONFLICT (key, started_us) DO UPDATE SET tag = excluded.tag`, [key, startedUs, tag]),
    dropTag: (key, startedUs) => void db.query('DELETE FROM metric_tags WHERE key = $1 AND started_us = $2', [key, startedUs]),
  };
}
