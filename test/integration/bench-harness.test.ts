// The `npm run bench` harness runs end to end with a tiny load: every part it reports
// here produces numbers (the timings themselves are not checked; benchmarks print them).
import { describe, expect, it } from 'vitest';
import { runSuite } from '../../bench/run.js';

describe('bench harness', () => {
  it('runs the end-to-end, freshness, growth, metric and open-journey parts with a tiny load', async () => {
    const r = await runSuite({ quick: true, only: ['e2e', 'freshness', 'growth', 'metrics', 'open'], log: () => undefined });

    for (const key of ['e2e_hops_per_s', 'collector_rss_mb', 'agent_rss_mb', 'freshness_p50_ms', 'freshness_p99_ms', 'monthly_rsvp_ms', 'growth_1x_collector_cpu_us_per_hop']) {
      expect(typeof r[key], key).toBe('number');
      expect(Number.isFinite(r[key]), key).toBe(true);
    }
    expect(r.e2e_lost_hops).toBe(0);
    expect(r.e2e_unrecorded_journeys).toBe(0);
    expect(r.open_journeys_after_restart).toBe(r.open_journeys);
  }, 180_000);
});
