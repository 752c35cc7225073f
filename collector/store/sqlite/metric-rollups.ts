// SQLite implementation of MetricRollupStore: metric_deltas (facts not folded yet),
// metric_rollups (rows by level, start, SRV and part) and metric_state 'open_from'.
import type Database from 'better-sqlite3';
import type { FactBatch, MetricRollupStore, RollupRowFilter, StoredRollupRow } from '../ports/metric-rollups.js';

const LEVEL_DAY = 1;

export function createSqliteMetricRollups(db: Database.Database): MetricRollupStore {
  const s = {
    appendFacts: db.prepare('INSERT INTO metric_deltas (records, data) VALUES (?, ?)'),
    pendingFacts: db.prepare('SELECT id, data FROM metric_deltas ORDER BY id'),
    pendingCount: db.prepare('SELECT coalesce(sum(records), 0) FROM metric_deltas').pluck(),
    dropFact: db.prepare('DELETE FROM metric_deltas WHERE id = ?'),
    foldGeneration: db.prepare("SELECT value FROM metric_state WHERE name = 'fold_generation'").pluck(),
    saveFoldGeneration: db.prepare("INSERT INTO metric_state (name, value) VALUES ('fold_generation', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
    rowParts: db.prepare('SELECT data FROM metric_rollups WHERE level = ? AND start_ms = ? AND srv = ?').pluck(),
    saveRowPart: db.prepare(`INSERT INTO metric_rollups (level, start_ms, srv, part, day_ms, records, data) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (level, start_ms, srv, part) DO UPDATE SET records = excluded.records, data = excluded.data`),
    dropRowPart: db.prepare('DELETE FROM metric_rollups WHERE level = ? AND start_ms = ? AND srv = ? AND part = ?'),
    // By hour range, so that the primary key (level, start_ms, …) finds the rows.
    hourRowsOf: db.prepare('SELECT data FROM metric_rollups WHERE level = 0 AND start_ms >= ? AND start_ms < ? AND srv = ?').pluck(),
    rowDays: db.prepare('SELECT DISTINCT level, day_ms AS dayMs, srv FROM metric_rollups'),
    saveOpenFrom: db.prepare("INSERT INTO metric_state (name, value) VALUES ('open_from', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
    openFrom: db.prepare("SELECT value FROM metric_state WHERE name = 'open_from'").pluck(),
    firstHour: db.prepare('SELECT min(start_ms) FROM metric_rollups WHERE level = 0').pluck(),
    rowCount: db.prepare('SELECT count(*) FROM metric_rollups').pluck(),
    rowCountAt: db.prepare('SELECT count(*) FROM metric_rollups WHERE level = ?').pluck(),
  };
  // Query statements by how many SRVs they filter on (prepared once per count).
  const dayStatements = new Map<number, Database.Statement>();
  const hourStatements = new Map<number, Database.Statement>();
  const srvClause = (n: number) => (n === 0 ? '' : ` AND srv IN (${Array.from({ length: n }, () => '?').join(', ')})`);
  const dayStatement = (n: number) => cached(dayStatements, n, () => db.prepare(
    `SELECT start_ms AS startMs, srv, data FROM metric_rollups WHERE level = 1 AND start_ms >= ? AND start_ms <= ? AND part = ?${srvClause(n)}`));
  // A (day, SRV) is compacted when it has a day row, in either part.
  const hourStatement = (n: number) => cached(hourStatements, n, () => db.prepare(
    `SELECT start_ms AS startMs, srv, data FROM metric_rollups r WHERE level = 0 AND start_ms >= ? AND start_ms < ? AND part = ?${srvClause(n)}
    AND NOT (day_ms >= ? AND day_ms <= ? AND EXISTS (SELECT 1 FROM metric_rollups d WHERE d.level = ${LEVEL_DAY} AND d.start_ms = r.day_ms AND d.srv = r.srv))`));

  return {
    appendFacts: (records, data) => void s.appendFacts.run(records, data),
    pendingFacts: () => s.pendingFacts.all() as FactBatch[],
    pendingFactCount: () => s.pendingCount.get() as number,
    dropFacts(ids) {
      for (const id of ids) s.dropFact.run(id);
    },
    // A SQLite file has one collector: the turn is always its own.
    takeFoldTurn: () => Number(s.foldGeneration.get() ?? 0),
    saveFoldGeneration: (generation) => void s.saveFoldGeneration.run(String(generation)),
    rowParts: (k) => s.rowParts.all(k.level, k.startMs, k.srv) as Uint8Array[],
    saveRowPart: (k, part, dayMs, records, data) => void s.saveRowPart.run(k.level, k.startMs, k.srv, part, dayMs, records, data),
    dropRowPart: (k, part) => void s.dropRowPart.run(k.level, k.startMs, k.srv, part),
    hourRowsOf: (srv, fromMs, toMs) => s.hourRowsOf.all(fromMs, toMs, srv) as Uint8Array[],
    rowDays: () => s.rowDays.all() as { level: number; dayMs: number; srv: string }[],
    saveOpenFrom: (openFrom) => void s.saveOpenFrom.run(String(openFrom)),
    openFrom() {
      const value = s.openFrom.get() as string | undefined;
      return value === undefined ? undefined : value === 'none' ? 'none' : Number(value);
    },
    dayRows: (firstDayMs, lastDayMs, f: RollupRowFilter) =>
      dayStatement(f.srvs?.length ?? 0).iterate(firstDayMs, lastDayMs, f.part, ...(f.srvs ?? [])) as Iterable<StoredRollupRow>,
    uncompactedHourRows: (fromMs, toMs, firstDayMs, lastDayMs, f) =>
      hourStatement(f.srvs?.length ?? 0).iterate(fromMs, toMs, f.part, ...(f.srvs ?? []), firstDayMs, lastDayMs) as Iterable<StoredRollupRow>,
    firstHourMs: () => (s.firstHour.get() as number | null) ?? undefined,
    rowCount: (level) => (level === undefined ? s.rowCount.get() : s.rowCountAt.get(level)) as number,
  };
}

function cached(statements: Map<number, Database.Statement>, n: number, prepare: () => Database.Statement): Database.Statement {
  let stmt = statements.get(n);
  if (!stmt) statements.set(n, (stmt = prepare()));
  return stmt;
}
