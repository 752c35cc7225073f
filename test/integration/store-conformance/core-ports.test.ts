// The core store ports' contract (core-ports-contract.ts) on every backend: SQLite in a file
// and SQLite in memory.
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { corePortsContract, type CoreStoreBackend } from './core-ports-contract.js';

const dir = tempDir();
afterAll(() => dir.cleanup());
let files = 0;

const backends: CoreStoreBackend[] = [
  { name: 'a SQLite file', open: () => openSqliteStore({ file: join(dir.path, `core-${files++}.db`), synchronous: 'normal' }) },
  { name: 'SQLite in memory', open: () => openSqliteStore({ file: ':memory:', synchronous: 'normal' }) },
];

for (const backend of backends) corePortsContract(backend);
