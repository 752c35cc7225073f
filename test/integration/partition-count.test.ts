// The partition count is fixed for a deployment: recorded in the store on its first open, and a
// collector started with another is refused before it takes in anything.
import { afterAll, describe, expect, it } from 'vitest';
import { checkPartitionCount } from '../../collector/ingest/partition-count.js';
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
  });

  it('is recorded once on PostgreSQL: the first count wins and another is refused', () => {
    const url = postgres.freshDatabase();
    const a = openPostgresStore({ url });
    const b = openPostgresStore({ url });
    try {
      expect(() => checkPartitionCount(a, 32)).not.toThrow();
      expect(() => checkPartitionCount(b, 64)).toThrow(expect.objectContaining({ code: 'HW_COLLECTOR_PARTITION_COUNT' }));
      expect(() => checkPartitionCount(b, 32)).not.toThrow();
    } finally {
      a.close();
      b.close();
    }
  });
});
