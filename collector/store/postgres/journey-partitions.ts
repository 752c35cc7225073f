// Journey records live in one partition per UTC day of their start (started_us), created on
// demand just before a write needs it, so that retention is dropping whole days. Which days
// exist is cached; the cache is forgotten after a rolled-back transaction (whatever it
// created is gone) and a write into a day dropped by another process fails its transaction,
// after which the day is created again.
import type { SyncPostgres } from './sync-postgres.js';

export const DAY_US = 86_400_000_000;

// Names the advisory lock taken while creating a partition: two collectors creating the same
// day at once would otherwise race on the catalog.
const PARTITION_LOCK = 0x686f7078;

export interface JourneyPartition {
  readonly name: string;
  /** First microsecond of the day (UTC), inclusive. */
  readonly fromUs: number;
}

export interface JourneyPartitions {
  /** Makes sure each start time has its day's partition (inside the write's transaction). */
  ensure(startedUs: readonly number[]): void;
  /** Forgets which days exist, after a rolled-back transaction. */
  forget(): void;
  /** Existing partitions, oldest day first. */
  list(): JourneyPartition[];
  /** Drops the days that end at or before `dayMs` (a UTC midnight, ms): their records go with them. Returns the names dropped. */
  dropBefore(dayMs: number): string[];
}

/** The partition name of a day: journeys_YYYYMMDD, or journeys_dN for a day outside years 1000 to 9999. */
export function partitionName(day: number): string {
  const iso = new Date(day * 86_400_000).toISOString();
  return /^\d{4}-/.test(iso) && !iso.startsWith('0') ? `journeys_${iso.slice(0, 10).replaceAll('-', '')}` : `journeys_d${day < 0 ? `m${-day}` : day}`;
}

export function createJourneyPartitions(db: SyncPostgres): JourneyPartitions {
  const known = new Set<number>();
  const list = (): JourneyPartition[] => db.query<{ name: string; bound: string }>(`SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'journeys'::regclass`)
    .map((r) => ({ name: r.name, fromUs: Number(/FROM \('?([^')]+)'?\)/.exec(r.bound)?.[1]) }))
    .sort((a, b) => a.fromUs - b.fromUs);

  return {
    ensure(startedUs) {
      const missing = new Set<number>();
      for (const us of startedUs) {
        const day = Math.floor(us / DAY_US);
        if (!known.has(day)) missing.add(day);
      }
      if (missing.size === 0) return;
      // One round trip for all missing days; the text holds only computed integers.
      const create = [...missing].map((day) => `CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF journeys FOR VALUES FROM (${day * DAY_US}) TO (${(day + 1) * DAY_US})`);
      db.query(`SELECT pg_advisory_xact_lock(${PARTITION_LOCK}); ${create.join('; ')}`);
      for (const day of missing) known.add(day);
    },
    forget: () => known.clear(),
    list,
    dropBefore(dayMs) {
      const limitUs = dayMs * 1000;
      const dropped = list().filter((p) => p.fromUs + DAY_US <= limitUs).map((p) => p.name);
      if (dropped.length > 0) db.query(dropped.map((name) => `DROP TABLE ${name}`).join('; '));
      known.clear();
      return dropped;
    },
  };
}
