// The partition lease series on GET /metrics, read back from the registry's text: which
// partitions this collector holds, their lag, and the keeper's counters.
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLeaseKeeper } from '../../../collector/cluster/lease-keeper.js';
import { registerPartitionMetrics } from '../../../collector/http/prometheus.js';
import { createSqlitePartitionLeases } from '../../../collector/store/sqlite/partition-leases.js';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import { silentLogger } from '../../../common/logger.js';
import { parsePrometheusText, sampleValue } from '../../helpers/prometheus-text.js';

describe('Partition lease metrics', () => {
  it('show each partition held, its lag, and the leases taken and given up', async () => {
    const store = openSqliteStore({ file: ':memory:', synchronous: 'normal' });
    const keeper = createLeaseKeeper({
      leases: createSqlitePartitionLeases(store.db, { partitionCount: 4 }), member: { id: 'local', address: 'http://127.0.0.1:8080' }, logger: silentLogger,
    });
    const registry = new client.Registry();
    registerPartitionMetrics(registry, { keeper, lag: () => [{ partition: 2, lagMs: 1_500, queuedBatches: 3 }] });
    const read = async () => parsePrometheusText(await registry.metrics());
    try {
      keeper.start();
      const running = await read();
      await keeper.stop();
      const stopped = await read();

      expect([0, 1, 2, 3].map((p) => sampleValue(running, 'hopwatch_partition_lease_held', { partition: String(p) }))).toEqual([1, 1, 1, 1]);
      expect(sampleValue(running, 'hopwatch_partition_lag_seconds', { partition: '2' })).toBe(1.5);
      expect(sampleValue(running, 'hopwatch_partition_leases_acquired_total')).toBe(4);
      expect(sampleValue(running, 'hopwatch_partition_lease_renewals_total')).toBe(1);
      expect([0, 1, 2, 3].map((p) => sampleValue(stopped, 'hopwatch_partition_lease_held', { partition: String(p) }))).toEqual([0, 0, 0, 0]);
      expect(sampleValue(stopped, 'hopwatch_partition_leases_released_total')).toBe(4);
      expect(sampleValue(stopped, 'hopwatch_partition_leases_lost_total')).toBe(0);
    } finally {
      store.close();
    }
  });
});
