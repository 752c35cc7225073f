// The metric ports' contract (metric-ports-contract.ts) on every backend: SQLite in a file
// (also reopened read-only, as `hopwatch report` opens it), SQLite in memory, and PostgreSQL
// (one database, emptied for each test, also reopened read-only).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import { openPostgresMetricPorts } from '../../../collector/store/postgres/metric-ports.js';
import { openSqliteMetricPorts, sqliteMetricPorts } from '../../../collector/store/sqlite/metric-ports.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { openTestMetricDatabase } from '../../helpers/postgres-metric-store.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { metricPortsContract, type MetricPortsBackend, type OpenedBackend } from './metric-ports-contract.js';

const dir = tempDir();
afterAll(() => dir.cleanup());
const postgres = useTestPostgres();
/** One database for the contract's tests on PostgreSQL, emptied as each opens it. */
let shared: string | undefined;
let files = 0;

function sqliteBackend(file: () => string): () => OpenedBackend & { file: string } {
  return () => {
    const path = file();
    const store = openSqliteStore({ file: path, synchronous: 'normal' });
    return {
      file: path,
      ports: sqliteMetricPorts(store),
      storeRecords: (writes) => store.transaction(() => store.writeTick({ records: writes, closedOpenKeys: [] }, Date.parse('2026-11-01T00:00:00Z'))),
      close: () => store.close(),
    };
  };
}

const backends: MetricPortsBackend[] = [
  {
    name: 'a SQLite file',
    open: sqliteBackend(() => join(dir.path, `ports-${files++}.db`)),
    reopenReadonly(closed) {
      const ports = openSqliteMetricPorts((closed as OpenedBackend & { file: string }).file, { readonly: true });
      return { ports, close: ports.close };
    },
  },
  { name: 'SQLite in memory', open: sqliteBackend(() => ':memory:') },
  {
    name: 'PostgreSQL',
    open() {
      shared ??= postgres.freshDatabase();
      return { url: shared, ...openTestMetricDatabase(shared) };
    },
    reopenReadonly(closed) {
      const ports = openPostgresMetricPorts((closed as OpenedBackend & { url: string }).url, { readonly: true });
      return { ports, close: ports.close };
    },
  },
];

for (const backend of backends) metricPortsContract(backend);

describe('SQLite metric ports opened on their own', () => {
  it('refuse a missing file, and do not create it', () => {
    const file = join(dir.path, 'missing.db');
    expect(() => openSqliteMetricPorts(file, { readonly: true })).toThrow(expect.objectContaining({ code: 'HW_COLLECTOR_REPORT' }));
    expect(existsSync(file)).toBe(false);
  });

  it('refuse a database without the metric tables, naming its schema version', () => {
    const file = join(dir.path, 'old.db');
    const old = new Database(file);
    old.pragma('user_version = 1');
    old.close();
    expect(() => openSqliteMetricPorts(file, { readonly: true })).toThrow(/schema version 1\) has no metric tables/);
  });
});

describe('PostgreSQL metric ports opened on their own', () => {
  it('refuse a database without the metric tables', () => {
    const url = postgres.freshDatabase();
    expect(() => openPostgresMetricPorts(url, { readonly: true })).toThrow(expect.objectContaining({ code: 'HW_COLLECTOR_REPORT', message: expect.stringContaining('has no metric tables') }));
  });

  it('refuse writes in the session itself when read-only (SQLSTATE 25006), leaving the store as it was', () => {
    shared ??= postgres.freshDatabase();
    openTestMetricDatabase(shared).close();
    const ports = openPostgresMetricPorts(shared, { readonly: true });
    try {
      expect(() => ports.transaction(() => ports.rebuild.saveSignature('x'))).toThrow(expect.objectContaining({ sqlState: '25006' }));
      expect(ports.rebuild.signature()).toBeUndefined();
    } finally {
      ports.close();
    }
  });
});
