// The lag a cluster member reports with each lease renewal, read from its ingest queue: per
// partition, the batches waiting and how long the oldest of them has waited.
import { describe, expect, it } from 'vitest';
import { encodeTestBatch, T0_US } from '../../helpers/batches.js';
import { startTestCollector } from '../../helpers/system.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('partition lag', () => {
  it('counts the batches waiting per partition and the wait of the oldest', async () => {
    const dir = tempDir();
    let now = Date.now();
    const collector = await startTestCollector(dir.path, {}, () => now);
    try {
      const batch = Buffer.from(encodeTestBatch('gw-lag', 1, [{ key: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1', point: 'UG_IN', timeUs: T0_US }]));
      // Offered together, before the next tick (ticks run on setImmediate): all still queued.
      const arrived = now;
      for (let i = 0; i < 3; i++) collector.ingest.offer('hopwatch/v2/gw-lag/hops/5', batch);
      now += 200;
      collector.ingest.offer('hopwatch/v2/gw-lag/hops/7', batch);
      now = arrived + 500;

      expect(collector.ingest.lag([5, 7, 9], now)).toEqual([
        { partition: 5, lagMs: 500, queuedBatches: 3 },
        { partition: 7, lagMs: 300, queuedBatches: 1 },
        { partition: 9, lagMs: 0, queuedBatches: 0 },
      ]);
    } finally {
      await collector.close();
      dir.cleanup();
    }
  });
});
