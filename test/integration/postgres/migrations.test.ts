// PostgreSQL schema migrations: each named migration runs once per database, however many
// collectors open it, at once or one after the other.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_MIGRATIONS } from '../../../collector/store/postgres/core-migrations.js';
import { runPostgresMigrations } from '../../../collector/store/postgres/migrations.js';
import { POSTGRES_MIGRATIONS } from '../../../collector/store/postgres/schema.js';
import { openPostgresStore } from '../../../collector/store/postgres/postgres-store.js';
import { openSyncPostgres } from '../../../collector/store/postgres/sync-postgres.js';
import { useTestPostgres } from '../../helpers/postgres.js';

const postgres = useTestPostgres();
// In name order, as appliedNames reads them.
const ALL = POSTGRES_MIGRATIONS.map((m) => m.name).sort();
const appliedNames = (url: string) => {
  const db = openSyncPostgres(url);
  try {
    return db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name').map((r) => r.name);
  } finally {
    db.close();
  }
};

/** Opens the store in a process of its own (the compiled module, as a collector would); its exit code. */
function openInChild(url: string): Promise<number | null> {
  const module = join(process.cwd(), 'dist', 'collector', 'store', 'postgres', 'postgres-store.js');
  const child = spawn(process.execPath, ['--input-type=module', '-e', `import { openPostgresStore } from ${JSON.stringify(module)}; openPostgresStore({ url: process.argv[1] }).close();`, url], { stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', resolve));
}

describe('PostgreSQL migrations', () => {
  it('apply each migration once across two opens of the same database', () => {
    const url = postgres.freshDatabase();
    const db = openSyncPostgres(url);
    try {
      expect(runPostgresMigrations(db, CORE_MIGRATIONS)).toEqual(['core-1', 'core-2']);
      expect(runPostgresMigrations(db, CORE_MIGRATIONS)).toEqual([]);
    } finally {
      db.close();
    }
    openPostgresStore({ url }).close();
    expect(appliedNames(url)).toEqual(ALL);
  });

  it('apply only the migrations appended to a list already applied, in order', () => {
    const url = postgres.freshDatabase();
    openPostgresStore({ url }).close();
    const extra = [{ name: 'extra-1', sql: 'CREATE TABLE extra (v int)' }, { name: 'extra-2', sql: 'INSERT INTO extra VALUES (1); INSERT INTO extra VALUES (2)' }];
    const store = openPostgresStore({ url, migrations: [...POSTGRES_MIGRATIONS, ...extra] });
    try {
      expect(store.db.query('SELECT v FROM extra ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
    } finally {
      store.close();
    }
    expect(appliedNames(url)).toEqual([...ALL, 'extra-1', 'extra-2'].sort());
  });

  it('keep nothing of a migration that fails, and refuse a name listed twice', () => {
    const url = postgres.freshDatabase();
    const db = openSyncPostgres(url);
    try {
      expect(() => runPostgresMigrations(db, [{ name: 'bad-1', sql: 'CREATE TABLE half (v int); SELECT no_such_column FROM half' }])).toThrow(/no_such_column/);
      expect(db.query("SELECT to_regclass('half') AS t")).toEqual([{ t: null }]);
      expect(() => runPostgresMigrations(db, [CORE_MIGRATIONS[0]!, CORE_MIGRATIONS[0]!])).toThrow(/listed twice/);
      expect(runPostgresMigrations(db, CORE_MIGRATIONS)).toEqual(['core-1', 'core-2']);
    } finally {
      db.close();
    }
  });

  it('let collectors starting at once on an empty database all open it', async () => {
    const url = postgres.freshDatabase();
    const exits = await Promise.all([1, 2, 3, 4].map(() => openInChild(url)));
    expect(exits).toEqual([0, 0, 0, 0]);
    expect(appliedNames(url)).toEqual(ALL);
  }, 60_000);
});
