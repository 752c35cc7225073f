// HopMinuteStore on PostgreSQL (ports/hop-minutes.ts): hop_minutes, its migration, and one
// statement per tick whatever the number of minutes it adds to.
import type { HopMinute, HopMinuteStore } from '../ports/hop-minutes.js';
import type { PostgresMigration } from './migrations.js';
import type { SyncPostgres } from './sync-postgres.js';

export const HOP_MINUTE_MIGRATIONS: readonly PostgresMigration[] = [{
  name: 'hop-minutes-1',
  sql: 'CREATE TABLE hop_minutes (minute_ms double precision PRIMARY KEY, batches bigint NOT NULL, hops bigint NOT NULL);',
}];

export function createPostgresHopMinutes(db: SyncPostgres): HopMinuteStore {
  return {
    addHopMinutes(minutes) {
      if (minutes.length === 0) return;
      const values = minutes.map((_, i) => `($${3 * i + 1}::double precision, $${3 * i + 2}::bigint, $${3 * i + 3}::bigint)`).join(', ');
      db.query(`INSERT INTO hop_minutes (minute_ms, batches, hops) VALUES ${values}
        ON CONFLICT (minute_ms) DO UPDATE SET batches = hop_minutes.batches + excluded.batches, hops = hop_minutes.hops + excluded.hops`,
      minutes.flatMap((m) => [m.minuteMs, m.batches, m.hops]));
    },
    hopMinutesBetween: (fromMs, toMs) => db.query<HopMinute>(`SELECT minute_ms AS "minuteMs", batches, hops FROM hop_minutes
      WHERE minute_ms >= $1 AND minute_ms < $2 ORDER BY minute_ms`, [fromMs, toMs]),
  };
}
