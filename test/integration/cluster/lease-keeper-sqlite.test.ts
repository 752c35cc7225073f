// One collector alone on its SQLite file: its keeper takes every partition at the first
// heartbeat, its commits pass the fence, and a clean stop gives everything up after onReleasing.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/logger.js';
import { createLeaseKeeper } from '../../../collector/cluster/lease-keeper.js';
import { createSqlitePartitionLeases } from '../../../collector/store/sqlite/partition-leases.js';
import { openSqliteStore, type SqliteStore } from '../../../collector/store/sqlite-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

let opened: { store: SqliteStore; cleanup: () => void } | undefined;
afterEach(() => {
  opened?.store.close();
  opened?.cleanup();
  opened = undefined;
});

function sqliteStore(): SqliteStore {
  const dir = tempDir();
  const store = openSqliteStore({ file: join(dir.path, 'collector.db'), synchronous: 'normal' });
  opened = { store, cleanup: dir.cleanup };
  return store;
}

describe('A lease keeper on SQLite', () => {
  it('takes all 64 partitions at once, fences commits on them, and frees them all on stop', async () => {
    const store = sqliteStore();
    const leases = createSqlitePartitionLeases(store.db, { partitionCount: 64 });
    const acquired: number[][] = [];
    const releasing: number[][] = [];
    const keeper = createLeaseKeeper({
      leases, member: { id: 'local', address: 'http://127.0.0.1:8080' },
      onAcquired: (p) => void acquired.push([...p]), onReleasing: (p) => void releasing.push([...p]), logger: silentLogger,
    });
    const all = Array.from({ length: 64 }, (_, p) => p);

    keeper.start();
    expect(keeper.held().map((h) => h.partition)).toEqual(all);
    store.db.transaction(() => keeper.assertHeld([0, 31, 63]))();
    await keeper.stop();

    expect(acquired).toEqual([all]);
    expect(releasing).toEqual([all]);
    expect(leases.snapshot().leases.every((l) => l.owner === null)).toBe(true);
    expect(() => store.db.transaction(() => keeper.assertHeld([0]))()).toThrow(expect.objectContaining({ code: 'HW_COLLECTOR_LEASE_LOST' }) as Error);
  });
});
