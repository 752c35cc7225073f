// The clock model seen from outside: time samples over the real broker, the agents' clocks
// in GET /api/v1/clocks, and the drift flag counted in /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTimeFeed, type TimeFeed } from '../../bench/fidelity-time-feed.js';
import type { Collector } from '../../collector/collector.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const T0 = Date.parse('2026-10-01T00:00:00Z') * 1000;

/** One exchange a minute for half an hour, from an agent whose clock runs `driftPpm` fast. */
function publishExchanges(feed: TimeFeed, agentId: string, driftPpm: number): number {
  const clock = (t: number) => t + (driftPpm * (t - T0)) / 1e6;
  let n = 0;
  for (let t = T0; t < T0 + 1800e6; t += 60e6, n++) {
    feed.publish(agentId, { t1Us: clock(t), t2Us: t + 3000, t3Us: t + 3050, t4Us: clock(t + 5050) });
  }
  return n;
}

describe('clocks API', () => {
  const dir = tempDir();
  let c: Collector;
  let feed: TimeFeed;

  beforeAll(async () => {
    c = await startTestCollector(dir.path);
    feed = await connectTimeFeed(c.brokerUrl);
    const sent = publishExchanges(feed, 'rig-fast', 1500) + publishExchanges(feed, 'rig-exact', 0);
    await feed.settled(10_000);
    for (let i = 0; i < 200 && c.clocks.samples < sent; i++) await new Promise((r) => setTimeout(r, 25));
  });

  afterAll(async () => {
    await feed.close();
    await c.close();
    dir.cleanup();
  });

  it('shows a drift beyond the physical limit as measured, flagged, with the rate applied capped and its bound widened', async () => {
    const { clocks } = (await c.http.inject({ method: 'GET', url: '/api/v1/clocks' })).json() as { clocks: Record<string, unknown>[] };
    const fast = clocks.find((a) => a.agentId === 'rig-fast')!;
    const exact = clocks.find((a) => a.agentId === 'rig-exact')!;
    expect(Math.abs((fast.driftPpm as number) - 1500)).toBeLessThan(3);
    expect(fast.appliedDriftPpm).toBe(1000);
    expect(fast.driftUncertaintyPpm as number).toBeGreaterThanOrEqual(490);
    expect(fast.driftBeyondLimit).toBe(true);
    expect(exact.appliedDriftPpm).toBe(0);
    expect(exact.driftBeyondLimit).toBe(false);
  });

  it('counts the flagged agents in Prometheus', async () => {
    const text = (await c.http.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/^hopwatch_clock_agents_beyond_drift_limit 1$/m);
  });
});
