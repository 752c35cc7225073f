// SQLite implementation of SequenceStateStore: metric_device_events, metric_topups, metric_tags.
import type Database from 'better-sqlite3';
import type { SequenceStateStore } from '../ports/sequence-state.js';

export function createSqliteSequenceState(db: Database.Database): SequenceStateStore {
  const s = {
    events: db.prepare('SELECT srv, last_us AS lastUs FROM metric_device_events WHERE device = ?'),
    noteEvent: db.prepare('INSERT INTO metric_device_events (device, srv, last_us) VALUES (?, ?, ?) ON CONFLICT (device, srv) DO UPDATE SET last_us = max(last_us, excluded.last_us)'),
    topUp: db.prepare('SELECT last_us AS lastUs, attempt, failed FROM metric_topups WHERE device = ?'),
    saveTopUp: db.prepare('INSERT INTO metric_topups (device, last_us, attempt, failed) VALUES (?, ?, ?, ?) ON CONFLICT (device) DO UPDATE SET last_us = excluded.last_us, attempt = excluded.attempt, failed = excluded.failed'),
    tag: db.prepare('SELECT tag FROM metric_tags WHERE key = ? AND started_us = ?').pluck(),
    saveTag: db.prepare('INSERT INTO metric_tags (key, started_us, tag) VALUES (?, ?, ?) ON CONFLICT (key, started_us) DO UPDATE SET tag = excluded.tag'),
    dropTag: db.prepare('DELETE FROM metric_tags WHERE key = ? AND started_us = ?'),
  };
  return {
    deviceEvents: (device) => s.events.all(device) as { srv: string; lastUs: number }[],
    noteDeviceEvent: (device, srv, startedUs) => void s.noteEvent.run(device, srv, startedUs),
    topUp(device) {
      const row = s.topUp.get(device) as { lastUs: number; attempt: number; failed: number } | undefined;
      return row && { lastUs: row.lastUs, attempt: row.attempt, failed: row.failed === 1 };
    },
    saveTopUp: (device, t) => void s.saveTopUp.run(device, t.lastUs, t.attempt, t.failed ? 1 : 0),
    tagOf: (key, startedUs) => s.tag.get(key, startedUs) as string | undefined,
    saveTag: (key, startedUs, tag) => void s.saveTag.run(key, startedUs, tag),
    dropTag: (key, startedUs) => void s.dropTag.run(key, startedUs),
  };
}
