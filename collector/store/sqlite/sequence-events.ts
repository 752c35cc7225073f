// SQLite implementation of SequenceEventStore: metric_sequence_events.
import type Database from 'better-sqlite3';
import type { SequenceEvent, SequenceEventStore } from '../ports/sequence-events.js';

export function createSqliteSequenceEvents(db: Database.Database): SequenceEventStore {
  const s = {
    note: db.prepare(`INSERT INTO metric_sequence_events (key, started_us, device, party, code, success) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (key, started_us) DO UPDATE SET device = excluded.device, party = excluded.party, code = excluded.code, success = excluded.success`),
    drop: db.prepare('DELETE FROM metric_sequence_events WHERE key = ? AND started_us = ?'),
    events: db.prepare(`SELECT key, started_us AS startedUs, device, party, code, success FROM metric_sequence_events
      WHERE code IN (SELECT value FROM json_each(?)) AND started_us >= ? AND started_us < ? ORDER BY device, started_us, key`),
  };
  return {
    noteEvents(events) {
      for (const e of events) s.note.run(e.key, e.startedUs, e.device, e.party, e.code, e.success ? 1 : 0);
    },
    dropEvent: (key, startedUs) => void s.drop.run(key, startedUs),
    events: (codes, fromUs, toUs) => (s.events.all(JSON.stringify(codes), fromUs, toUs) as (Omit<SequenceEvent, 'success'> & { success: number })[])
      .map((e) => ({ ...e, success: e.success === 1 })),
  };
}
