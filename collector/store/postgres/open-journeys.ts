// Open-journey checkpoints on PostgreSQL (ports/open-journeys.ts): one multi-row upsert per
// checkpoint, states kept as the JSON text the SQLite store keeps.
import type { OpenJourneyState } from '../../join/open-journey-state.js';
import type { KeyHashes } from '../../join/open-journeys.js';
import type { OpenJourneyCheckpoints } from '../ports/open-journeys.js';
import type { SyncPostgres } from './sync-postgres.js';

const parse = (rows: { state: string }[]) => rows.map((r) => JSON.parse(r.state) as OpenJourneyState);
/** A filter on partition for a statement whose next parameter is `$n`, and that parameter. */
const inPartitions = (partitions: readonly number[] | undefined, n: number) =>
  partitions === undefined ? { sql: '', params: [] } : { sql: `AND partition = ANY($${n}::integer[])`, params: [[...partitions]] };

export function createPostgresOpenJourneys(db: SyncPostgres): OpenJourneyCheckpoints {
  return {
    writeCheckpoint(cp) {
      if (cp.upserts.length > 0) {
        // The last state of a key wins, as when SQLite upserts them one by one.
        const byKey = new Map(cp.upserts.map((st) => [st.key, st]));
        const states = [...byKey.values()];
        db.query(`INSERT INTO open_journeys (key, hash, hash2, deadline_ms, state, partition)
          SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::float8[], $5::text[], $6::integer[])
          ON CONFLICT (key) DO UPDATE SET deadline_ms = excluded.deadline_ms, state = excluded.state, partition = excluded.partition`,
        [states.map((s) => s.key), states.map((s) => s.hash), states.map((s) => s.hash2), states.map((s) => s.deadlineMs), states.map((s) => JSON.stringify(s)),
          states.map((s) => s.partition ?? -1)]);
      }
      if (cp.positions.size > 0) {
        db.query(`INSERT INTO partition_positions (partition, replay_from) SELECT * FROM unnest($1::integer[], $2::bigint[])
          ON CONFLICT (partition) DO UPDATE SET replay_from = excluded.replay_from`, [[...cp.positions.keys()], [...cp.positions.values()]]);
      }
    },
    openJourneys(limit, partitions) {
      const only = inPartitions(partitions, 2);
      return parse(db.query(`SELECT state FROM open_journeys WHERE true ${only.sql} ORDER BY deadline_ms LIMIT $1`, [limit, ...only.params]));
    },
    dueOpenJourneys(nowMs, limit, partitions) {
      const only = inPartitions(partitions, 3);
      return parse(db.query(`SELECT state FROM open_journeys WHERE deadline_ms <= $1 ${only.sql} ORDER BY deadline_ms LIMIT $2`, [nowMs, limit, ...only.params]));
    },
    openJourneyHashes(partitions) {
      const only = inPartitions(partitions, 1);
      return db.query<KeyHashes>(`SELECT hash, hash2 FROM open_journeys WHERE true ${only.sql}`, only.params);
    },
    loadOpenJourneys: (keys) => parse(db.query('SELECT state FROM open_journeys WHERE key = ANY($1::text[])', [keys])),
  };
}
