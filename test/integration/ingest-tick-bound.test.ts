// An ingest tick takes batches until it has about 16k hops (ingest.ts MAX_HOPS_PER_TICK), so
// that one tick never holds the event loop (and the lease keeper's renewals) for long, whatever
// size the agents' batches are: the batches left over are the first of the next tick, in order,
// and the ticks cut short are counted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journeyKey } from '../../agent/journey-key.js';
import type { Collector } from '../../collector/collector.js';
import { withPartition } from '../../proto/batch-partition.js';
import { partitionOfKey } from '../../proto/partition.js';
import { topics } from '../../proto/topics.js';
import { WireBatch } from '../../proto/wire.js';
import { encodeTestBatch, keyText, type TestHop } from '../helpers/batches.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const HOPS_PER_BATCH = 4000;
const BATCHES = 6;

describe('an ingest tick', () => {
  let dir: ReturnType<typeof tempDir>;
  let c: Collector;
  beforeEach(async () => {
    dir = tempDir();
    // Ticks run only when the test asks (drain).
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 } });
  });
  afterEach(async () => {
    await c.close();
    dir.cleanup();
  });

  it('stops taking batches at its bound of hops and leaves the rest, in order, to the next tick', async () => {
    const nowUs = Date.now() * 1000;
    // keyText's keys share their User and device, so every batch here is of one partition.
    const partition = partitionOfKey(journeyKey(keyText(0)), 64);
    for (let b = 0; b < BATCHES; b++) {
      const hops: TestHop[] = Array.from({ length: HOPS_PER_BATCH }, (_, i) => ({ key: keyText(b * HOPS_PER_BATCH + i), point: 'UG_IN', timeUs: nowUs - 1_000_000, context: { srv: '1.1.1' } }));
      expect(c.ingest.offer(topics.hops('gw', partition), Buffer.from(withPartition(encodeTestBatch('gw', b + 1, hops), partition)))).toBe(true);
    }

    c.ingest.drain(0);
    // Four batches are 16,000 hops, under the bound: the fifth crosses it and the sixth waits.
    expect(c.ingest.counters).toMatchObject({ batchesStored: 5, hopsStored: 5 * HOPS_PER_BATCH, ticksAtHopBound: 1 });
    expect(c.ingest.queued).toBe(1);
    const metrics = await (await fetch(`${c.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^hopwatch_ingest_ticks_at_hop_bound_total 1$/m);

    c.ingest.drain();
    expect(c.ingest.counters).toMatchObject({ batchesStored: BATCHES, hopsStored: BATCHES * HOPS_PER_BATCH, batchesDuplicate: 0, ticksAtHopBound: 1 });
    expect(c.ingest.queued).toBe(0);
    // Logged in the order they arrived.
    expect([...c.store.batchesFrom(1)].map((b) => Number(WireBatch.decode(b.payload).seq))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
