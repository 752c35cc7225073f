// RTT and DCC histograms in the real pipeline: an agent stamps journeys of known times through
// the broker into a collector, and GET /metrics shows each one in the right bucket, labelled
// by response class, outcome and CSP region.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import type { CspRegionName } from '../../proto/hop-context.js';
import { HopPoint } from '../../proto/hop-point.js';
import { keyText } from '../helpers/batches.js';
import { parsePrometheusText, sampleValue, type Sample } from '../helpers/prometheus-text.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Journey { srv: string; region?: CspRegionName; rttS: number; hanS: number; code: string }

// 4.1.1 is in the 30 s class, 6.15.1 in the 24 h class, 4.8.1 in the 5600 s class (SECMP0053).
const JOURNEYS: Journey[] = [
  ...[0, 1, 2].map(() => ({ srv: '4.1.1', region: 'NORTH' as const, rttS: 0.8, hanS: 0.2, code: 'I0' })),
  ...[0, 1].map(() => ({ srv: '4.1.1', region: 'SOUTH' as const, rttS: 20, hanS: 1, code: 'E20' })),
  { srv: '6.15.1', region: 'CENTRAL', rttS: 3000, hanS: 10, code: 'I0' },
  { srv: '4.8.1', rttS: 4000, hanS: 100, code: 'I0' },
];

describe('RTT and DCC histograms on GET /metrics', () => {
  const dir = tempDir();
  let collector: Collector;
  let agent: Agent;
  let samples: Sample[];

  beforeAll(async () => {
    collector = await startTestCollector(dir.path);
    agent = startTestAgent(dir.path, 'gw', collector.brokerUrl);
    const t0 = Date.now() * 1000 - 7_200_000_000;
    JOURNEYS.forEach((j, i) => {
      const key = journeyKey(keyText(9000 + i));
      const start = t0 + i * 1_000_000;
      const rtt = j.rttS * 1e6;
      const han = j.hanS * 1e6;
      // One agent stamps every point, so the journey's context travels with its first hop.
      agent.record(key, HopPoint.UG_IN, start, { srv: j.srv, userRole: 'IS', ...(j.region && { cspRegion: j.region }) });
      agent.record(key, HopPoint.HAN_OUT, start + (rtt - han) / 2);
      agent.record(key, HopPoint.HAN_IN, start + (rtt + han) / 2);
      agent.record(key, HopPoint.UG_OUT, start + rtt, { code: j.code });
    });
    // A request never answered has no RTT: it must not be observed.
    agent.record(journeyKey(keyText(9999)), HopPoint.UG_IN, t0, { srv: '4.1.1' });
    await agent.drained(10_000);
    await waitFor(() => collector.store.listJourneys({ limit: 100 }).length === JOURNEYS.length, 10_000, 'every answered journey recorded');
    samples = parsePrometheusText((await collector.http.inject({ method: 'GET', url: '/metrics' })).body);
  });
  afterAll(async () => {
    await agent.close();
    await collector.close();
    dir.cleanup();
  });

  const rtt = (labels: Record<string, string>) => sampleValue(samples, 'hopwatch_journey_rtt_seconds_bucket', labels);
  const dcc = (labels: Record<string, string>) => sampleValue(samples, 'hopwatch_journey_dcc_seconds_bucket', labels);

  it('puts quick successful 30 s-class requests below a second', () => {
    const north = { class: '30s', outcome: 'success', region: 'NORTH' };
    expect(rtt({ ...north, le: '0.5' })).toBe(0);
    expect(rtt({ ...north, le: '1' })).toBe(3);
    expect(dcc({ ...north, le: '0.5' })).toBe(0);
    expect(dcc({ ...north, le: '1' })).toBe(3);
    expect(sampleValue(samples, 'hopwatch_journey_rtt_seconds_count', north)).toBe(3);
    expect(sampleValue(samples, 'hopwatch_journey_rtt_seconds_sum', north)).toBeCloseTo(2.4, 6);
  });

  it('labels failed requests by outcome and region, with the HAN leg out of the DCC time', () => {
    const south = { class: '30s', outcome: 'failure', region: 'SOUTH' };
    expect(rtt({ ...south, le: '15' })).toBe(0);
    expect(rtt({ ...south, le: '30' })).toBe(2);
    expect(dcc({ ...south, le: '15' })).toBe(0);
    expect(dcc({ ...south, le: '30' })).toBe(2);
    expect(sampleValue(samples, 'hopwatch_journey_dcc_seconds_sum', south)).toBeCloseTo(38, 6);
  });

  it('labels by the response class in force, and a journey without a region as unknown', () => {
    const day = { class: '24h', outcome: 'success', region: 'CENTRAL' };
    expect(rtt({ ...day, le: '1800' })).toBe(0);
    expect(rtt({ ...day, le: '3600' })).toBe(1);
    expect(rtt({ ...day, le: '86400' })).toBe(1);
    const hourAndHalf = { class: '5600s', outcome: 'success', region: 'unknown' };
    expect(rtt({ ...hourAndHalf, le: '3600' })).toBe(0);
    expect(rtt({ ...hourAndHalf, le: '5600' })).toBe(1);
    expect(dcc({ ...hourAndHalf, le: '3600' })).toBe(0);
    expect(dcc({ ...hourAndHalf, le: '5600' })).toBe(1);
  });

  it('counts every answered request once and nothing else', () => {
    const counts = samples.filter((s) => s.name === 'hopwatch_journey_rtt_seconds_count').reduce((n, s) => n + s.value, 0);
    expect(counts).toBe(JOURNEYS.length);
    expect(samples.filter((s) => s.name === 'hopwatch_journey_rtt_seconds_bucket' && s.labels.le === '+Inf').map((s) => s.labels.class).sort())
      .toEqual(['24h', '30s', '30s', '5600s']);
  });
});
