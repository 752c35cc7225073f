// SQLite implementation of HopMinuteStore: the hop_minutes table (collector/store/migrations.ts).
import type Database from 'better-sqlite3';
import type { HopMinute, HopMinuteStore } from '../ports/hop-minutes.js';

export function createSqliteHopMinutes(db: Database.Database): HopMinuteStore {
  const add = db.prepare(`INSERT INTO hop_minutes (minute_ms, batches, hops) VALUES (?, ?, ?)
    ON CONFLICT (minute_ms) DO UPDATE SET batches = batches + excluded.batches, hops = hops + excluded.hops`);
  const between = db.prepare('SELECT minute_ms AS minuteMs, batches, hops FROM hop_minutes WHERE minute_ms >= ? AND minute_ms < ? ORDER BY minute_ms');
  return {
    addHopMinutes(minutes) {
      for (const m of minutes) add.run(m.minuteMs, m.batches, m.hops);
    },
    hopMinutesBetween: (fromMs, toMs) => between.all(fromMs, toMs) as HopMinute[],
  };
}
