// PostgreSQL implementation of SequenceEventStore: metric_sequence_events. A tick's events go
// as one statement, the last of each (key, start) winning as one upsert after another would.
import type { SequenceEvent, SequenceEventStore } from '../ports/sequence-events.js';
import type { SyncPostgres } from './sync-postgres.js';

const NOTE = `INSERT INTO metric_sequence_events (key, started_us, device, party, code, success)
  SELECT * FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::bool[])
  ON CONFLICT (key, started_us) DO UPDATE SET device = excluded.device, party = excluded.party, code = excluded.code, success = excluded.success`;
const EVENTS = `SELECT key, started_us AS "startedUs", device, party, code, success FROM metric_sequence_events
  WHERE code = ANY($1::text[]) AND started_us >= $2 AND started_us < $3 ORDER BY device, started_us, key`;

export function createPostgresSequenceEvents(db: SyncPostgres): SequenceEventStore {
  return {
    noteEvents(events) {
      const last = new Map<string, SequenceEvent>();
      for (const e of events) last.set(`${e.key}\n${e.startedUs}`, e);
      if (last.size === 0) return;
      const all = [...last.values()];
      db.query(NOTE, [all.map((e) => e.key), all.map((e) => e.startedUs), all.map((e) => e.device), all.map((e) => e.party), all.map((e) => e.code), all.map((e) => e.success)]);
    },
    dropEvent: (key, startedUs) => void db.query('DELETE FROM metric_sequence_events WHERE key = $1 AND started_us = $2', [key, startedUs]),
    events: (codes, fromUs, toUs) => db.query<SequenceEvent>(EVENTS, [codes, fromUs, toUs]),
  };
}
