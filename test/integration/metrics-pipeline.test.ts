// The metric engine in the real pipeline: agents → broker → ingest → records and rollups in
// one transaction → HTTP API. Hops of the CH rig arrive after the journeys closed, so every
// record is amended once; the rollups must count each journey once, with its final figures,
// and keep doing so after a restart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint, type HopPointName } from '../../proto/hop-point.js';
import { keyText } from '../helpers/batches.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const JOURNEYS = 30;
const GATEWAY: [HopPointName, number][] = [['UG_IN', 0], ['UG_ACK', 60], ['DSP_OUT', 200], ['DSP_IN', 3400], ['UG_OUT', 3600]];
const CSP: [HopPointName, number][] = [['CSP_OUT', 400], ['CSP_IN', 3200]];
const RIG: [HopPointName, number][] = [['CH_IN', 1300], ['HAN_OUT', 1340], ['HAN_IN', 2340], ['CH_OUT', 2400]];

interface RsvpBody { rows: { srv: string; volume: number; successes: number; rttUs: { count: number; median: number }; dccUs: { count: number; median: number }; trt: { measured: number; within: number }; segments: { dsp: { measured: number } } }[] }

describe('metric engine in the pipeline', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector | undefined;
  const agents: Agent[] = [];
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.close();
    await collector?.close();
    collector = undefined;
    dir.cleanup();
  });

  const rsvp = async (c: Collector) => (await c.http.inject({ method: 'GET', url: '/api/v1/rsvp?granularity=total&by=srv' })).json() as RsvpBody;

  it('counts each journey once, with the figures of its last amendment, and keeps them across a restart', async () => {
    const metrics = { foldIntervalMs: 200 };
    collector = await startTestCollector(dir.path, { metrics });
    const [gw, csp, rig] = ['gw', 'csp-north', 'rig-1'].map((id) => startTestAgent(dir.path, id, collector!.brokerUrl));
    agents.push(gw!, csp!, rig!);
    const t0 = Date.now() * 1000 - 60_000_000;
    const stamp = (agent: Agent, points: [HopPointName, number][], j: number) => {
      const key = journeyKey(keyText(7000 + j));
      for (const [point, ms] of points) {
        const ctx = point === 'UG_IN' ? { srv: j % 3 === 0 ? '1.1.1' : '4.1.1', userRole: 'IS' } : point === 'UG_OUT' ? { code: 'I0' } : point === 'CSP_OUT' ? { cspRegion: 'NORTH' as const } : undefined;
        agent.record(key, HopPoint[point], t0 + j * 1_000_000 + ms * 1000 + (point === 'UG_OUT' ? j * 1000 : 0), ctx);
      }
    };
    for (let j = 0; j < JOURNEYS; j++) {
      stamp(gw!, GATEWAY, j);
      stamp(csp!, CSP, j);
    }
    await Promise.all([gw!.drained(10_000), csp!.drained(10_000)]);
    await waitFor(() => collector!.store.listJourneys({ limit: 100 }).length === JOURNEYS, 10_000, 'records without HAN points');
    for (let j = 0; j < JOURNEYS; j++) stamp(rig!, RIG, j);
    await rig!.drained(10_000);
    await waitFor(() => collector!.joiner.counters.amendments >= JOURNEYS, 10_000, 'every record amended by the rig hops');
    await waitFor(() => collector!.metricEngine.sink.counters.folds > 0, 5000, 'a fold');

    const before = await rsvp(collector);
    const bySrv = Object.fromEntries(before.rows.map((r) => [r.srv, r]));
    expect(bySrv['4.1.1']).toMatchObject({ volume: 20, successes: 20, rttUs: { count: 20 }, dccUs: { count: 20 }, trt: { measured: 20, within: 20 }, segments: { dsp: { measured: 20 } } });
    expect(bySrv['1.1.1']).toMatchObject({ volume: 10, dccUs: { count: 10 } });
    // RTT 3.6 s + j ms; HAN 1 s: the DCC time of the median 4.1.1 journey is 2.6 s and a bit.
    expect(bySrv['4.1.1']!.dccUs.median).toBeGreaterThan(2_600_000);
    expect(bySrv['4.1.1']!.dccUs.median).toBeLessThan(2_630_000);
    expect(collector.metricEngine.sink.counters.retractions).toBeGreaterThanOrEqual(JOURNEYS);

    for (const a of agents.splice(0)) await a.close();
    await collector.close();
    collector = await startTestCollector(dir.path, { metrics });
    expect(await rsvp(collector)).toEqual(before);
  });
});
