// `await agent.close()` delivers what it can: hops stamped just before it reach the collector
// and leave the buffer, within forward.closeTimeoutMs; with the broker unreachable it returns at
// once and the hops stay buffered for the next start.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { HopPoint } from '../../proto/hop-point.js';
import { freePort } from '../../bench/mosquitto.js';
import { keyText } from '../helpers/batches.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const bufferedBatches = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM batches').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('agent close', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector | undefined;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    dir.cleanup();
  });

  it('delivers hops stamped right after the agent was created before it returns', async () => {
    collector = await startTestCollector(dir.path);
    const agent = startTestAgent(dir.path, 'rig-close', collector.brokerUrl, { batch: { flushIntervalMs: 60_000 } });
    for (let i = 1; i <= 50; i++) agent.stamp(agent.key(keyText(i)), HopPoint.CH_IN, { srv: '4.8.1' });

    await agent.close();

    expect(collector.ingest.counters.hopsStored).toBe(50);
    expect(bufferedBatches(join(dir.path, 'rig-close.buffer.db'))).toBe(0);
  });

  it('returns at once and keeps the hops buffered when the broker cannot be reached', async () => {
    const agent = startTestAgent(dir.path, 'rig-alone', `mqtt://127.0.0.1:${await freePort()}`, { forward: { closeTimeoutMs: 30_000 } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 1; i <= 10; i++) agent.stamp(agent.key(keyText(i)), HopPoint.CH_IN);

    const started = performance.now();
    await agent.close();

    expect(performance.now() - started).toBeLessThan(2000);
    expect(bufferedBatches(join(dir.path, 'rig-alone.buffer.db'))).toBeGreaterThan(0);
  });
});
