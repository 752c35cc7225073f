// The alert history contract (alert-history-contract.ts) on every backend: SQLite in a file and
// PostgreSQL (a fresh database on a throwaway server per test), each opened as the collector
// opens its store (openStoreBackend, migrations applied).
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStoreBackend, type StoreBackend } from '../../../collector/store/open-backend.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { alertHistoryContract, type AlertHistoryBackend } from './alert-history-contract.js';

const dir = tempDir();
afterAll(() => dir.cleanup());
let files = 0;
const postgres = useTestPostgres();

/** A backend on one database location, reopened on the same one. */
function reopenable(location: () => string): AlertHistoryBackend['open'] {
  return () => {
    const file = location();
    let backend: StoreBackend = openStoreBackend({ file, synchronous: 'normal' });
    return {
      history: backend.alertHistory,
      reopen() {
        backend.store.close();
        backend = openStoreBackend({ file, synchronous: 'normal' });
        return backend.alertHistory;
      },
      close: () => backend.store.close(),
    };
  };
}

const backends: AlertHistoryBackend[] = [
  { name: 'a SQLite file', open: reopenable(() => join(dir.path, `alerts-${files++}.db`)) },
  { name: 'PostgreSQL', open: reopenable(() => postgres.freshDatabase()) },
];

for (const backend of backends) alertHistoryContract(backend);
