// Open-journey checkpoints on PostgreSQL (ports/open-journeys.ts): one multi-row upsert per
// checkpoint, states kept as the JSON text the SQLite store keeps.
import type { OpenJourneyState } from '../../join/open-journey-state.js';
import type { KeyHashes } from '../../join/open-journeys.js';
import type { OpenJourneyCheckpoints } from '../ports/open-journeys.js';
import type { MetaTable } from './meta-table.js';
import type { SyncPostgres } from './sync-postgres.js';

const parse = (rows: { state: string }[]) => rows.map((r) => JSON.parse(r.state) as OpenJourneyState);

export function createPostgresOpenJourneys(db: SyncPostgres, meta: MetaTable): OpenJourneyCheckpoints {
  return {
    writeCheckpoint(cp) {
      if (cp.upserts.length > 0) {
        // The last state of a key wins, as when SQLite upserts them one by one.
        const byKey = new Map(cp.upserts.map((st) => [st.key, st]));
        const states = [...byKey.values()];
        db.query(`INSERT INTO open_journeys (key, hash, hash2, deadline_ms, state)
          SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::float8[], $5::text[])
          ON CONFLICT (key) DO UPDATE SET deadline_ms = excluded.deadline_ms, state = excluded.state`,
        [states.map((s) => s.key), states.map((s) => s.hash), states.map((s) => s.hash2), states.map((s) => s.deadlineMs), states.map((s) => JSON.stringify(s))]);
      }
      meta.set('replay_from', String(cp.replayFromBatchId));
    },
    openJourneys: (limit) => parse(db.query('SELECT state FROM open_journeys ORDER BY deadline_ms LIMIT $1', [limit])),
    dueOpenJourneys: (nowMs, limit) => parse(db.query('SELECT state FROM open_journeys WHERE deadline_ms <= $1 ORDER BY deadline_ms LIMIT $2', [nowMs, limit])),
    openJourneyHashes: () => db.query<KeyHashes>('SELECT hash, hash2 FROM open_journeys'),
    loadOpenJourney: (key) => parse(db.query('SELECT state FROM open_journeys WHERE key = $1', [key]))[0],
  };
}
