// The fidelity benchmark in miniature: a few virtual minutes of traffic with every delivery
// fault on, against a real in-process collector. What must hold at any size: no journey
// invented, none counted twice, every outcome as it really was, and cross-agent segments
// honest about their uncertainty. Error percentiles need the full run (npm run bench:fidelity).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFidelityBenchmark } from '../../bench/fidelity.js';
import { GATEWAY_AGENT_ID } from '../../firmware-stubs/fleet.js';

describe('fidelity benchmark, small', () => {
  it('joins every journey once, with its true outcome and cross-agent bounds that hold, under duplicated, reordered and late hops', async () => {
    const report = await runFidelityBenchmark({
      seed: 5,
      virtualMinutes: 3,
      requestsPerSecond: 4,
      conditions: {
        rigs: 6,
        faults: { duplicateRate: 0.05, reorderRate: 0.2, reorderMaxMs: 5000, lateRate: 0.02, lateMaxMs: 120_000 },
        slowResponses: { rate: 0.3, minMs: 60_000, maxMs: 300_000, srvs: ['4.8.1'] },
      },
    });
    const { stats } = report.run;
    const c = report.comparison;

    expect(stats.duplicateHops).toBeGreaterThan(0);
    expect(stats.reorderedHops).toBeGreaterThan(0);
    expect(stats.lateHops).toBeGreaterThan(0);
    expect(stats.slowResponses).toBeGreaterThan(0);
    expect(c.truths).toBe(stats.journeysStarted);
    expect(c.phantomJourneys).toBe(0);
    expect(c.doubleCountedJourneys).toBe(0);
    expect(c.missingJourneys).toBe(0);
    expect(Object.values(c.mismatches).map((m) => m.count)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(c.outcomeMatches).toBe(c.truths);
    expect(c.crossAgentSegments.bounded).toBeGreaterThan(0);
    expect(c.crossAgentSegments.withinBoundShare).toBeGreaterThanOrEqual(0.99);
  });

  it('keeps one record per request when 30 s SRVs are answered after their time-out and the gateway agent restarts on a new stream', async () => {
    let restartedBuffer = false;
    const report = await runFidelityBenchmark({
      seed: 7,
      virtualMinutes: 3,
      requestsPerSecond: 4,
      conditions: {
        rigs: 6,
        graceSeconds: 5,
        slowResponses: { rate: 0.3, minMs: 36_000, maxMs: 90_000, srvs: ['4.1.1', '2.2', '7.4'] },
        agentRestart: { agentId: GATEWAY_AGENT_ID, atShare: 0.5 },
      },
      // The restarted agent's fresh buffer (a new stream id) exists only while the run's directory does.
      inspect: ({ sim }) => void (restartedBuffer = existsSync(join(sim.options.dataDir, `${GATEWAY_AGENT_ID}.buffer.1.db`))),
    });
    const c = report.comparison;

    expect(restartedBuffer).toBe(true);
    expect(report.run.stats.slowResponses).toBeGreaterThan(20);
    expect(report.run.joiner).toMatchObject({ keyReused: 0 });
    expect(report.run.joiner.amendments).toBeGreaterThan(0);
    expect(c.truths).toBe(report.run.stats.journeysStarted);
    expect([c.phantomJourneys, c.doubleCountedJourneys, c.missingJourneys]).toEqual([0, 0, 0]);
    expect(c.outcomeMatches).toBe(c.truths);
  });
});
