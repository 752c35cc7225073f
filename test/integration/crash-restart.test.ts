// SIGKILL the collector in the middle of a run, keep it down a while, restart it:
// agents buffer and then drain, no hop is lost and no journey is counted twice. The same on
// each store backend: a SQLite file, and a database of a throwaway PostgreSQL.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import { HopPoint, type HopPointName } from '../../proto/hop-point.js';
import { spawnCollector, type CollectorProcess } from '../../bench/collector-process.js';
import { freePort } from '../../bench/mosquitto.js';
import { keyText } from '../helpers/batches.js';
import { useTestPostgres } from '../helpers/postgres.js';
import { startTestAgent } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../../common/wait-for.js';

const JOURNEYS = 3000;
const POINTS: [string, HopPointName, number][] = [
  ['gw', 'UG_IN', 0], ['gw', 'UG_ACK', 80], ['gw', 'DSP_OUT', 200], ['csp', 'CSP_OUT', 400], ['rig', 'CH_IN', 1400],
  ['rig', 'HAN_OUT', 1450], ['rig', 'HAN_IN', 2450], ['rig', 'CH_OUT', 2500], ['csp', 'CSP_IN', 3300], ['gw', 'DSP_IN', 3500], ['gw', 'UG_OUT', 3600],
];

interface ListedJourney { key: string; outcome: string; hops?: unknown[]; segments: unknown[]; figures: { rttUs?: number; dccUs?: number } }

const postgres = useTestPostgres();
/** The collector's store arguments on each backend, given the test's temp dir. */
const backends: { name: string; storeArgs: (dir: string) => string[] }[] = [
  { name: 'a SQLite file', storeArgs: (dir) => ['--store', join(dir, 'collector.db'), '--synchronous', 'full'] },
  { name: 'PostgreSQL', storeArgs: () => ['--store', postgres.freshDatabase()] },
];

for (const backend of backends) describe(`collector crash and restart on ${backend.name}`, () => {
  let dir: ReturnType<typeof tempDir>;
  const agents: Record<string, Agent> = {};
  let collector: CollectorProcess | undefined;

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    for (const a of Object.values(agents)) await a.close();
    await collector?.kill('SIGTERM');
    dir.cleanup();
  });

  it('loses no hop and counts no journey twice across a SIGKILL and a pause', async () => {
    const brokerPort = await freePort();
    const httpPort = await freePort();
    // Checkpoints a minute apart: whatever the machine's pace, batches logged since the last one are
    // waiting when the collector dies, so the restart must replay them.
    const args = ['--broker-port', String(brokerPort), '--checkpoint-interval-ms', '60000', ...backend.storeArgs(dir.path)];
    collector = await spawnCollector(args, httpPort);
    for (const id of ['gw', 'csp', 'rig']) agents[id] = startTestAgent(dir.path, id, `mqtt://127.0.0.1:${brokerPort}`, { forward: { ackTimeoutMs: 1000 } });

    const t0 = Date.now() * 1000;
    const stamp = (j: number) => {
      const key = journeyKey(keyText(100_000 + j));
      for (const [agent, point, offsetMs] of POINTS) {
        const ctx = point === 'UG_IN' ? { srv: '4.1.1' } : point === 'UG_ACK' ? { code: 'I99' } : point === 'UG_OUT' ? { code: 'I0' } : undefined;
        agents[agent]!.record(key, HopPoint[point], t0 + j * 1000 + offsetMs * 1000, ctx);
      }
    };
    const stampRange = async (from: number, to: number) => {
      for (let j = from; j < to; j++) {
        stamp(j);
        if (j % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    const ingestedHops = async () => Number(/^hopwatch_ingested_hops_total (\d+)$/m.exec(await (await fetch(`${collector!.httpUrl}/metrics`)).text())?.[1]);
    await stampRange(0, 1000);
    await waitFor(async () => (await ingestedHops()) >= 3000, 30_000, 'the collector to store some hops');
    // Kill it while traffic flows, so that it dies with journeys open and batches unacknowledged.
    const flowing = stampRange(1000, 2000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await collector.kill('SIGKILL');
    await flowing;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(Object.values(agents).some((a) => a.status().buffer.batches > 0)).toBe(true);
    collector = await spawnCollector(args, httpPort);
    const metrics = await (await fetch(`${collector.httpUrl}/metrics`)).text();
    expect(Number(/^hopwatch_replayed_batches (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    await stampRange(2000, JOURNEYS);
    await Promise.all(Object.values(agents).map((a) => a.drained(30_000)));

    const journeys = await waitFor(async () => {
      const body = (await (await fetch(`${collector!.httpUrl}/api/v1/journeys?limit=10000`)).json()) as { journeys: ListedJourney[] };
      const complete = body.journeys.filter((j) => j.segments.length === 9);
      return complete.length === JOURNEYS && body.journeys;
    }, 30_000, `${JOURNEYS} complete journeys`);

    expect(journeys).toHaveLength(JOURNEYS);
    expect(new Set(journeys.map((j) => j.key)).size).toBe(JOURNEYS);
    expect(journeys.every((j) => j.outcome === 'success' && j.figures.rttUs === 3_600_000 && j.figures.dccUs === 2_600_000)).toBe(true);
  });
});
