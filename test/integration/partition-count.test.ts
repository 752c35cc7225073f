// The partition count is fixed for a deployment: recorded in the store on its first open, and a
// collector started with another is refused before it takes in anything. Without --partitions a
// collector takes the store's count, or for a new store its kind's default.
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePartitionCount } from '../../collector/ingest/partition-count.js';
import { openPostgresStore } from '../../collector/store/postgres/postgres-store.js';
import { useTestPostgres } from '../helpers/postgres.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.cleanup());
const postgres = useTestPostgres();

describe('partition count', () => {
  it('is recorded by the first collector on a SQLite store, and a collector with another count is refused', async () => {
    const first = await startTestCollector(dir.path, { ingest: { partitions: 16 } });
    await first.close();
    await expect(startTestCollector(dir.path, { ingest: { partitions: 64 } })).rejects.toMatchObject({ code: 'HW_COLLECTOR_PARTITION_COUNT', message: expect.stringContaining('--partitions 16') });
    const again = await startTestCollector(dir.path, { ingest: { partitions: 16 } });
    await again.close();
    const unset = await startTestCollector(dir.path);
    expect(unset.store.partitionCount(1)).toBe(16);
    await unset.close();
  });

  it('is 1 for a new SQLite store when none is set: one collector holds it all', async () => {
    const fresh = tempDir();
    try {
      const c = await startTestCollector(fresh.path);
      expect(c.store.partitionCount(64)).toBe(1);
      await c.close();
    } finally {
      fresh.cleanup();
    }
  });

  it('is recorded once on PostgreSQL: the first count wins, another is refused, none set takes it, and a new store defaults to 64', () => {
    const url = postgres.freshDatabase();
    const a = openPostgresStore({ url });
    const b = openPostgresStore({ url });
    const c = openPostgresStore({ url: postgres.freshDatabase() });
    try {
      expect(resolvePartitionCount(a, 'postgres', 32)).toBe(32);
      expect(() => resolvePartitionCount(b, 'postgres', 64)).toThrow(expect.objectContaining({ code: 'HW_COLLECTOR_PARTITION_COUNT' }));
      expect(resolvePartitionCount(b, 'postgres', 32)).toBe(32);
      expect(resolvePartitionCount(b, 'postgres', 0)).toBe(32);
      expect(resolvePartitionCount(c, 'postgres', 0)).toBe(64);
    } finally {
      a.close();
      b.close();
      c.close();
    }
  });
});
