// The metric ports' contract (metric-ports-contract.ts) on every backend: SQLite in a file
// (also reopened read-only, as `hopwatch report` opens it) and SQLite in memory.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import { openSqliteMetricPorts, sqliteMetricPorts } from '../../../collector/store/sqlite/metric-ports.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { metricPortsContract, type MetricPortsBackend, type OpenedBackend } from './metric-ports-contract.js';

const dir = tempDir();
afterAll(() => dir.cleanup());
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
