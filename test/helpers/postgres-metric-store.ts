// A PostgreSQL database with the metric tables (METRIC_MIGRATIONS, applied in order in one
// transaction) and the journey records the rebuild source reads: the journeys and contexts
// columns collector/store/postgres/rollup-rebuild.ts names, filled from record writes the way
// the SQLite store fills its own (one row per record, one per distinct context).
import type { RecordWrite } from '../../collector/join/joiner.js';
import { signatureOf } from '../../collector/join/context-interner.js';
import { CONTEXT_COLUMNS } from '../../collector/store/context-registry.js';
import { encodeHops } from '../../collector/store/hops-codec.js';
import { METRIC_MIGRATIONS } from '../../collector/store/postgres/metric-schema.js';
import { postgresMetricPorts } from '../../collector/store/postgres/metric-ports.js';
import { openSyncPostgres, type SyncPostgres } from '../../collector/store/postgres/sync-postgres.js';
import type { MetricPorts } from '../../collector/store/ports/metric-ports.js';

const RECORD_TABLES = `
  CREATE TABLE contexts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, signature text NOT NULL UNIQUE, ${CONTEXT_COLUMNS.map(([, c]) => `${c} text`).join(', ')});
  CREATE TABLE journeys (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, key text NOT NULL, reason text, hops bytea NOT NULL,
    amendments integer NOT NULL, context_id bigint NOT NULL REFERENCES contexts (id)
  );`;
const SAVE_CONTEXT = `INSERT INTO contexts (signature, ${CONTEXT_COLUMNS.map(([, c]) => c).join(', ')}) VALUES ($1, ${CONTEXT_COLUMNS.map((_, i) => `$${i + 2}`).join(', ')})
  ON CONFLICT (signature) DO UPDATE SET signature = excluded.signature RETURNING id`;

export interface TestMetricDatabase {
  readonly db: SyncPostgres;
  readonly ports: MetricPorts;
  /** Stores journey records as ingest does: each write adds a record, or replaces the one it amends. */
  storeRecords(writes: readonly RecordWrite[]): void;
  close(): void;
}

/**
 * Opens the metric ports on the database at `url`, empty: the tables are created when it has
 * none, else every row is deleted (ids start again from 1), so that the tests of a file can
 * share one database (creating one takes about a second).
 */
export function openTestMetricDatabase(url: string): TestMetricDatabase {
  const db = openSyncPostgres(url);
  db.transaction(() => {
    const tables = db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'").map((t) => t.name);
    if (tables.length > 0) {
      db.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
      return;
    }
    for (const m of METRIC_MIGRATIONS) db.query(m.sql);
    db.query(RECORD_TABLES);
  });
  return { db, ports: postgresMetricPorts(db), storeRecords: (writes) => db.transaction(() => writes.forEach((w) => storeRecord(db, w))), close: () => db.close() };
}

function storeRecord(db: SyncPostgres, w: RecordWrite): void {
  const r = w.record;
  const contextId = db.query<{ id: number }>(SAVE_CONTEXT, [signatureOf(r.context), ...CONTEXT_COLUMNS.map(([f]) => r.context[f] ?? null)])[0]!.id;
  const values = [r.key, r.reason ?? null, encodeHops(r.hops), r.amendments, contextId];
  if (w.amends) db.query('UPDATE journeys SET key = $1, reason = $2, hops = $3, amendments = $4, context_id = $5 WHERE id = $6', [...values, w.amends.id]);
  else db.query('INSERT INTO journeys (key, reason, hops, amendments, context_id) VALUES ($1, $2, $3, $4, $5)', values);
}
