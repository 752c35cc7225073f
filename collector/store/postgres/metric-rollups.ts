// PostgreSQL implementation of MetricRollupStore: metric_deltas (facts not folded yet),
// metric_rollups (rows by level, start, SRV and part) and metric_state 'open_from'.
// One statement per call; an SRV filter is one array parameter, whatever its length.
import type { FactBatch, MetricRollupStore, RollupRowFilter, StoredRollupRow } from '../ports/metric-rollups.js';
import type { SyncPostgres } from './sync-postgres.js';

const LEVEL_DAY = 1;
/** The advisory lock key of the fold ('hwfold' in ASCII): one per database. */
const FOLD_LOCK = 0x687766_6f6c64;
const ROW = 'start_ms AS "startMs", srv, data';
const DAY_ROWS = `SELECT ${ROW} FROM metric_rollups WHERE level = ${LEVEL_DAY} AND start_ms >= $1 AND start_ms <= $2 AND part = $3`;
// A (day, SRV) is compacted when it has a day row, in either part.
const HOUR_ROWS = `SELECT ${ROW} FROM metric_rollups r WHERE level = 0 AND start_ms >= $1 AND start_ms < $2 AND part = $3
  AND NOT (day_ms >= $4 AND day_ms <= $5 AND EXISTS (SELECT 1 FROM metric_rollups d WHERE d.level = ${LEVEL_DAY} AND d.start_ms = r.day_ms AND d.srv = r.srv))`;
// In the primary key's order, as SQLite reads them.
const ORDER = ' ORDER BY start_ms, srv';

export function createPostgresMetricRollups(db: SyncPostgres): MetricRollupStore {
  const one = <T>(sql: string, params: readonly unknown[] = []): T | undefined => db.query<{ v: T }>(sql, params)[0]?.v;
  const blobs = (sql: string, params: readonly unknown[]): Uint8Array[] => db.query<{ data: Uint8Array }>(sql, params).map((r) => r.data);
  /** An empty SRV list filters nothing, as in the SQLite store. */
  const rows = (sql: string, params: unknown[], f: RollupRowFilter): StoredRollupRow[] => (f.srvs !== undefined && f.srvs.length > 0
    ? db.query<StoredRollupRow>(`${sql} AND srv = ANY($${params.length + 1}::text[])${ORDER}`, [...params, f.srvs])
    : db.query<StoredRollupRow>(sql + ORDER, params));

  return {
    appendFacts: (records, data) => void db.query('INSERT INTO metric_deltas (records, data) VALUES ($1, $2)', [records, data]),
    pendingFacts: () => db.query<FactBatch>('SELECT id, data FROM metric_deltas ORDER BY id'),
    pendingFactCount: () => one<number>('SELECT coalesce(sum(records), 0) AS v FROM metric_deltas')!,
    dropFacts: (ids) => void db.query('DELETE FROM metric_deltas WHERE id = ANY($1::bigint[])', [ids]),
    // Held to the end of the transaction: folds of several collectors are read, merged and written one after another.
    takeFoldTurn() {
      const turn = db.query<{ locked: boolean; generation: string | null }>(
        "SELECT pg_try_advisory_xact_lock($1) AS locked, (SELECT value FROM metric_state WHERE name = 'fold_generation') AS generation", [FOLD_LOCK])[0]!;
      return turn.locked ? Number(turn.generation ?? 0) : undefined;
    },
    saveFoldGeneration: (generation) => void db.query(`INSERT INTO metric_state (name, value) VALUES ('fold_generation', $1)
      ON CONFLICT (name) DO UPDATE SET value = excluded.value`, [String(generation)]),
    rowParts: (k) => blobs('SELECT data FROM metric_rollups WHERE level = $1 AND start_ms = $2 AND srv = $3 ORDER BY part', [k.level, k.startMs, k.srv]),
    saveRowPart: (k, part, dayMs, records, data) => void db.query(`INSERT INTO metric_rollups (level, start_ms, srv, part, day_ms, records, data) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (level, start_ms, srv, part) DO UPDATE SET records = excluded.records, data = excluded.data`, [k.level, k.startMs, k.srv, part, dayMs, records, data]),
    dropRowPart: (k, part) => void db.query('DELETE FROM metric_rollups WHERE level = $1 AND start_ms = $2 AND srv = $3 AND part = $4', [k.level, k.startMs, k.srv, part]),
    // By hour range, so that the primary key (level, start_ms, …) finds the rows.
    hourRowsOf: (srv, fromMs, toMs) => blobs('SELECT data FROM metric_rollups WHERE level = 0 AND start_ms >= $1 AND start_ms < $2 AND srv = $3 ORDER BY start_ms, part', [fromMs, toMs, srv]),
    rowDays: () => db.query<{ level: number; dayMs: number; srv: string }>('SELECT DISTINCT level, day_ms AS "dayMs", srv FROM metric_rollups'),
    saveOpenFrom: (openFrom) => void db.query(`INSERT INTO metric_state (name, value) VALUES ('open_from', $1)
      ON CONFLICT (name) DO UPDATE SET value = excluded.value`, [String(openFrom)]),
    openFrom() {
      const value = one<string>("SELECT value AS v FROM metric_state WHERE name = 'open_from'");
      return value === undefined ? undefined : value === 'none' ? 'none' : Number(value);
    },
    dayRows: (firstDayMs, lastDayMs, f) => rows(DAY_ROWS, [firstDayMs, lastDayMs, f.part], f),
    uncompactedHourRows: (fromMs, toMs, firstDayMs, lastDayMs, f) => rows(HOUR_ROWS, [fromMs, toMs, f.part, firstDayMs, lastDayMs], f),
    firstHourMs: () => one<number | null>('SELECT min(start_ms) AS v FROM metric_rollups WHERE level = 0') ?? undefined,
    rowCount: (level) => (level === undefined
      ? one<number>('SELECT count(*) AS v FROM metric_rollups')!
      : one<number>('SELECT count(*) AS v FROM metric_rollups WHERE level = $1', [level])!),
  };
}
