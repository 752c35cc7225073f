// The core store ports' contract (core-ports-contract.ts) on every backend: SQLite in a file,
// SQLite in memory, and PostgreSQL (a fresh database on a throwaway server per test).
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openPostgresStore } from '../../../collector/store/postgres/postgres-store.js';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { corePortsContract, type CoreStoreBackend } from './core-ports-contract.js';

const dir = tempDir();
afterAll(() => dir.cleanup());
let files = 0;
const postgres = useTestPostgres();

const backends: CoreStoreBackend[] = [
  { name: 'a SQLite file', open: () => openSqliteStore({ file: join(dir.path, `core-${files++}.db`), synchronous: 'normal' }) },
  { name: 'SQLite in memory', open: () => openSqliteStore({ file: ':memory:', synchronous: 'normal' }) },
  { name: 'PostgreSQL', open: () => openPostgresStore({ url: postgres.freshDatabase() }) },
];

for (const backend of backends) corePortsContract(backend);
