// The metric ports' contract (metric-ports-contract.ts) on every backend: SQLite in a file
// (also reopened read-only, as `hopwatch report` opens it) and SQLite in memory.
import { join } from 'node:path';
import { afterAll } from 'vitest';
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
