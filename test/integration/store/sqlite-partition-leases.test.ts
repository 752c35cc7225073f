// The SQLite PartitionLeases (migration 8 of the collector's database) against the shared suite.
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { createSqlitePartitionLeases } from '../../../collector/store/sqlite/partition-leases.js';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { partitionLeasesSuite } from './partition-leases-suite.js';

partitionLeasesSuite('SQLite', () => {
  const dir = tempDir();
  const store = openSqliteStore({ file: join(dir.path, 'collector.db'), synchronous: 'normal' });
  const db: Database.Database = store.db;
  return {
    connect: (partitionCount) => createSqlitePartitionLeases(db, { partitionCount }),
    transaction: (_leases, fn) => db.transaction(fn)(),
    close: () => {
      store.close();
      dir.cleanup();
    },
  };
});
