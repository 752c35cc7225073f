// A collector takes partitions over and hands them over while it runs (collector.partitions):
// on SQLite and on PostgreSQL, after another collector stopped without handing them over, it
// restores and replays only the partitions it takes, hands one back with its open journeys, and
// takes it again from the store alone; the journeys then complete with hops sent to it.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import { startCollector, type Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { partitionOfKey } from '../../proto/partition.js';
import { keyText } from '../helpers/batches.js';
import { useTestPostgres } from '../helpers/postgres.js';
import { startTestAgent, testCollectorConfig } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const postgres = useTestPostgres();
const DEVICES = 40;
const deviceKey = (i: number) => keyText(7000 + i, `00-DB-12-34-56-78-${i.toString(16).padStart(2, '0').toUpperCase()}-A0`);
const partitionOfDevice = (i: number) => partitionOfKey(journeyKey(deviceKey(i)), 64);

const backends = [
  { name: 'SQLite', store: (dir: string) => join(dir, 'shared.db') },
  { name: 'PostgreSQL', store: () => postgres.freshDatabase() },
];

describe.each(backends)('partition handover on $name', (backend) => {
  let dir: ReturnType<typeof tempDir>;
  const running: Collector[] = [];
  const agents: Agent[] = [];
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.close();
    for (const c of running.splice(0)) await c.close();
    dir.cleanup();
  });

  const start = async (storeFile: string, name: string, heldAtStart?: readonly number[]) => {
    // No checkpoint after the first tick: what the first collector joined stays only in its log.
    const config = testCollectorConfig(join(dir.path, name), { store: { file: storeFile }, ingest: { checkpointIntervalMs: 3_600_000, partitions: 64 } });
    const c = await startCollector(config, heldAtStart ? { heldAtStart } : {});
    running.push(c);
    return c;
  };
  const stamp = (agent: Agent, point: number, context: { srv?: string; code?: string }) => {
    const t0 = Date.now() * 1000;
    for (let i = 0; i < DEVICES; i++) agent.record(journeyKey(deviceKey(i)), point, t0 + i, context);
    agent.flush();
  };

  it('restores and replays only the partitions it takes over, hands one over with its open journeys, and completes them', async () => {
    const storeFile = backend.store(dir.path);
    const first = await start(storeFile, 'a');
    const stamper = startTestAgent(dir.path, 'gw', first.brokerUrl);
    stamp(stamper, HopPoint.UG_IN, { srv: '4.8.1' });
    await waitFor(() => first.ingest.counters.hopsStored === DEVICES, 10_000, 'every request hop stored');
    await stamper.close();
    running.splice(running.indexOf(first), 1);
    await first.close();

    // Two partitions that hold some of the devices; the others stay with nobody.
    const byPartition = new Map<number, number[]>();
    for (let i = 0; i < DEVICES; i++) byPartition.set(partitionOfDevice(i), [...(byPartition.get(partitionOfDevice(i)) ?? []), i]);
    const [p1, p2] = [...byPartition.keys()].sort((a, b) => a - b);
    const inP1 = byPartition.get(p1!)!;
    const inP2 = byPartition.get(p2!)!;

    const second = await start(storeFile, 'b', []);
    expect(second.joiner.openCount).toBe(0);
    const logged = [...second.store.batchesFrom(1, [p1!, p2!])].length;
    const taken = await second.partitions.adopt([p1!, p2!]);
    expect(second.partitions.held()).toEqual([p1, p2]);
    expect(taken.replayedBatches).toBe(logged);
    expect(logged).toBeLessThan([...second.store.batchesFrom(1)].length);
    expect(second.joiner.openCount).toBe(inP1.length + inP2.length);

    await second.partitions.release([p1!]);
    expect(second.partitions.held()).toEqual([p2]);
    expect(second.joiner.openCount).toBe(inP2.length);
    expect([...second.store.openJourneys(100, [p1!])].map((s) => s.key).sort()).toEqual(inP1.map(deviceKey).sort());
    expect(second.store.replayPositions([p1!]).get(p1!)).toBe(taken.lastBatchId + 1);

    const again = await second.partitions.adopt([p1!]);
    expect(again).toMatchObject({ restoredOpen: inP1.length, replayedBatches: 0 });
    expect(second.joiner.openCount).toBe(inP1.length + inP2.length);

    const responder = startTestAgent(dir.path, 'gw-2', second.brokerUrl);
    agents.push(responder);
    stamp(responder, HopPoint.UG_OUT, { code: 'I0' });
    const mine = [...inP1, ...inP2].map(deviceKey).sort();
    const records = await waitFor(() => {
      const r = second.store.listJourneys({ limit: 1000 });
      return r.length === mine.length && r;
    }, 10_000, 'the taken-over journeys completed');
    expect(records.map((r) => r.key).sort()).toEqual(mine);
    expect(records.every((r) => r.outcome === 'success')).toBe(true);
    // The responses of the other partitions reach no collector: they stay in the agent's buffer.
    expect(responder.status().buffer.batches).toBeGreaterThan(0);
  });
});
