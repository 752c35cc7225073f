// A PostgreSQL collector database for the metric ports' tests: the real store (every migration
// of collector/store/postgres/schema.ts), its metric ports on the same connection, and journey
// records written as ingest writes them (the rebuild source reads them back).
import type { RecordWrite } from '../../collector/join/joiner.js';
import { postgresMetricPorts } from '../../collector/store/postgres/metric-ports.js';
import { openPostgresStore } from '../../collector/store/postgres/postgres-store.js';
import type { SyncPostgres } from '../../collector/store/postgres/sync-postgres.js';
import type { MetricPorts } from '../../collector/store/ports/metric-ports.js';

export interface TestMetricDatabase {
  readonly db: SyncPostgres;
  readonly ports: MetricPorts;
  /** Stores journey records as ingest does: each write adds a record, or replaces the one it amends. */
  storeRecords(writes: readonly RecordWrite[]): void;
  close(): void;
}

/**
 * Opens the store at `url` and empties it (ids start again from 1), so that the tests of a file
 * can share one database (creating one takes about a second).
 */
export function openTestMetricDatabase(url: string): TestMetricDatabase {
  const emptied = openPostgresStore({ url });
  emptied.db.transaction(() => {
    const tables = emptied.db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' AND tablename NOT LIKE 'journeys\\_%'").map((t) => t.name);
    emptied.db.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
    for (const s of emptied.db.query<{ name: string }>("SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'public'")) emptied.db.query(`ALTER SEQUENCE ${s.name} RESTART`);
  });
  emptied.close();
  // Opened again, so that no cache of the store (contexts, partitions) remembers the rows deleted.
  const store = openPostgresStore({ url });
  return {
    db: store.db,
    ports: postgresMetricPorts(store.db),
    storeRecords: (writes) => store.transaction(() => store.writeTick({ records: writes, closedOpenKeys: [] }, Date.parse('2026-11-01T00:00:00Z'))),
    close: () => store.close(),
  };
}
