// Schema migrations on PostgreSQL: a named, ordered list; schema_migrations holds the names
// applied. Each migration runs in a transaction of its own, under an advisory lock held to its
// end, so collectors starting at once on one database apply each migration once and wait for
// each other. Never edit a shipped migration: append the next one.
import type { SyncPostgres } from './sync-postgres.js';

export interface PostgresMigration {
  /** Unique and stable: what schema_migrations records (core-1, metric-1, ...). */
  readonly name: string;
  /** One or more statements. */
  readonly sql: string;
}

// Any constant shared by every hopwatch process: it names the lock, nothing else.
const MIGRATION_LOCK = 0x686f7077;

/** Applies the migrations not applied yet, in list order; returns the names it applied. */
export function runPostgresMigrations(db: SyncPostgres, migrations: readonly PostgresMigration[]): string[] {
  const names = new Set<string>();
  for (const m of migrations) {
    if (names.has(m.name)) throw new Error(`migration ${m.name} is listed twice`);
    names.add(m.name);
  }
  const applied: string[] = [];
  for (const migration of migrations) {
    db.transaction(() => {
      db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      db.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      if (db.query('SELECT 1 FROM schema_migrations WHERE name = $1', [migration.name]).length > 0) return;
      db.query(migration.sql);
      db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration.name]);
      applied.push(migration.name);
    });
  }
  return applied;
}
