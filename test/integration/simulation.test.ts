// A small virtual simulation against a real embedded collector on loopback: what hopwatch
// measured must match the stubs' ground truth.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { startCollector } from '../../collector/collector.js';
import { collectorDefaults } from '../../collector/config.js';
import type { StoredJourney } from '../../collector/store/store.js';
import type { JourneyTruth } from '../../firmware-stubs/ground-truth.js';
import type { LatencyParameters, Lognormal } from '../../firmware-stubs/latency-model.js';
import { defaultLatencyParameters } from '../../firmware-stubs/latency-model.js';
import type { Simulation } from '../../firmware-stubs/simulation.js';
import { startSimulation } from '../../firmware-stubs/simulation.js';
import type { SimulationOptions } from '../../firmware-stubs/simulation-options.js';
import { tempDir } from '../helpers/temp-dir.js';

const perfect = { maxOffsetMs: 0, maxDriftPpm: 0 };
const delivered = (t: JourneyTruth) => t.reason === undefined;

/** Every leg a few milliseconds, so a realtime journey ends within a test's patience. */
function fastLatency(): LatencyParameters {
  const shrink = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if ('medianMs' in value) return { medianMs: 2, sigma: 0.2 } satisfies Lognormal;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shrink(v)]));
  };
  return shrink(defaultLatencyParameters) as LatencyParameters;
}

async function pollUntil<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('simulation against a real collector', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector;
  let sim: Simulation | undefined;

  beforeEach(async () => {
    dir = tempDir('hopwatch-stubs-');
    collector = await startCollector({
      ...collectorDefaults,
      broker: { ...collectorDefaults.broker, port: 0 },
      http: { ...collectorDefaults.http, port: 0 },
      store: { file: join(dir.path, 'collector.db'), synchronous: 'normal' },
      join: { ...collectorDefaults.join, settleMs: 100 },
    });
  });

  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
    await collector.close();
    dir.cleanup();
  });

  /** Runs a virtual simulation to the end and waits for the collector to close every delivered journey. */
  async function simulate(options: Omit<SimulationOptions, 'brokerUrl' | 'dataDir' | 'mode'>): Promise<Map<string, StoredJourney>> {
    sim = startSimulation({ brokerUrl: collector.brokerUrl, dataDir: join(dir.path, 'agents'), mode: 'virtual', ...options });
    await sim.runUntilIdle();
    await sim.drained(10_000);
    const expected = [...sim.groundTruth].filter(delivered).length;
    const stored = await pollUntil(() => {
      const rows = collector.store.listJourneys({ limit: 10_000 });
      return rows.length >= expected ? rows : undefined;
    }, 15_000);
    return new Map((stored ?? collector.store.listJourneys({ limit: 10_000 })).map((j) => [j.key, j]));
  }

  it('joins every delivered journey with the figures of the ground truth when clocks are perfect', async () => {
    const stored = await simulate({
      seed: 11, rigs: 6, requestsPerSecond: 4, alertsPerSecond: 1, durationMs: 15_000,
      failures: { e20Rate: 0.1, e21Rate: 0.1, noResponseRate: 0, alertLossRate: 0 },
      clocks: { gateway: perfect, csp: perfect, rig: perfect },
    });
    const truths = [...sim!.groundTruth];

    expect(truths.length).toBeGreaterThan(40);
    expect(new Set(truths.map((t) => t.code))).toEqual(new Set(['I0', 'E20', 'E21', undefined]));
    expect(stored.size).toBe(truths.length);
    for (const truth of truths) {
      const j = stored.get(truth.key);
      expect(j, truth.key).toBeDefined();
      expect({ srv: j!.srv, kind: j!.kind, outcome: j!.outcome, code: j!.code, figures: j!.figures })
        .toEqual({ srv: truth.srv, kind: truth.kind, outcome: truth.outcome, code: truth.code, figures: truth.figures });
      expect(j!.segments.map((s) => [s.from, s.to, s.us])).toEqual(truth.segments.map((s) => [s.from, s.to, s.us]));
    }
  });

  it('stamps every hop with its agent\'s clock reading at the hop\'s true time', async () => {
    const startTrueUs = Date.now() * 1000;
    const stored = await simulate({
      seed: 12, rigs: 3, requestsPerSecond: 3, alertsPerSecond: 1, durationMs: 10_000, startTrueUs,
      clocks: { gateway: { maxOffsetMs: 20, maxDriftPpm: 5 }, csp: { maxOffsetMs: 200, maxDriftPpm: 50 }, rig: { maxOffsetMs: 4000, maxDriftPpm: 100 } },
      clockSteps: { 'rig-002': [{ atTrueUs: startTrueUs + 5_000_000, stepUs: 2_000_000 }] },
    });
    const truths = [...sim!.groundTruth].filter(delivered);

    expect(truths.length).toBeGreaterThan(20);
    for (const truth of truths) {
      // The wire carries whole microseconds of each agent's own clock.
      const read = new Map(truth.hops.map((h) => [h.point, Math.floor(sim!.clocks.get(h.agentId)!.readAt(h.trueUs))]));
      const expected = truth.segments.map((g) => [g.from, g.to, read.get(g.to)! - read.get(g.from)!]);
      expect(stored.get(truth.key)!.segments.map((g) => [g.from, g.to, g.us])).toEqual(expected);
    }
  });

  it('keeps same-agent figures true to within the agent\'s drift while cross-agent segments carry the clock offsets', async () => {
    const stored = await simulate({
      seed: 16, rigs: 3, requestsPerSecond: 3, alertsPerSecond: 0, durationMs: 10_000,
      failures: { e20Rate: 0, e21Rate: 0, noResponseRate: 0 },
      clocks: { gateway: { maxOffsetMs: 20, maxDriftPpm: 5 }, csp: { maxOffsetMs: 200, maxDriftPpm: 50 }, rig: { maxOffsetMs: 4000, maxDriftPpm: 100 } },
    });
    const truths = [...sim!.groundTruth];
    const wanDown = (segments: readonly { from: string; us: number }[]) => segments.find((x) => x.from === 'CSP_OUT')!.us;

    expect(truths.length).toBeGreaterThan(10);
    for (const truth of truths) {
      const j = stored.get(truth.key)!;
      // UG_IN and UG_OUT are both the gateway's: only its drift (at most 5 ppm) bends the RTT.
      expect(Math.abs(j.figures.rttUs! - truth.figures.rttUs!)).toBeLessThanOrEqual(truth.figures.rttUs! * 5e-6 + 1);
      expect(Math.abs(j.figures.hanUs! - truth.figures.hanUs!)).toBeLessThanOrEqual(truth.figures.hanUs! * 100e-6 + 1);
      const rigClock = sim!.clocks.get(truth.hops.find((h) => h.point === 'CH_IN')!.agentId)!;
      expect(Math.abs(wanDown(j.segments) - wanDown(truth.segments) - rigClock.spec.offsetUs)).toBeLessThan(250_000);
    }
  });

  it('changes only the delivery, never the figures, when hops are duplicated, reordered or late', async () => {
    const stored = await simulate({
      seed: 14, rigs: 3, requestsPerSecond: 3, alertsPerSecond: 1, durationMs: 10_000,
      failures: { e20Rate: 0, e21Rate: 0, noResponseRate: 0, alertLossRate: 0 },
      clocks: { gateway: perfect, csp: perfect, rig: perfect },
      faults: { duplicateRate: 0.2, reorderRate: 0.2, reorderMaxMs: 3000, lateRate: 0.1, lateMaxMs: 5000 },
    });
    const truths = [...sim!.groundTruth];

    expect(sim!.stats.duplicateHops).toBeGreaterThan(0);
    expect(sim!.stats.reorderedHops).toBeGreaterThan(0);
    expect(sim!.stats.lateHops).toBeGreaterThan(0);
    for (const truth of truths) expect(stored.get(truth.key)?.figures, truth.key).toEqual(truth.figures);
  });

  it('feeds simulated time probes instead of the agents\' own in virtual mode', async () => {
    const samples = new Map<string, number>();
    await simulate({
      seed: 17, rigs: 3, requestsPerSecond: 2, alertsPerSecond: 0, durationMs: 60_000,
      timeProbes: { intervalMs: 10_000, onSample: (agentId) => void samples.set(agentId, (samples.get(agentId) ?? 0) + 1) },
    });

    expect([...samples.keys()].sort()).toEqual([...sim!.agents.keys()].sort());
    // A fast start (8 probes), then one every 10 s for the rest of the minute.
    for (const n of samples.values()) expect(n).toBeGreaterThanOrEqual(12);
    expect(sim!.stats.timeProbeSamples).toBe([...samples.values()].reduce((a, b) => a + b, 0));
    for (const agent of sim!.agents.values()) expect(agent.status().clock.probesSent).toBe(0);
  });

  it('keeps slow responses open on the device for as long as asked', async () => {
    await simulate({
      seed: 18, rigs: 3, requestsPerSecond: 3, alertsPerSecond: 0, durationMs: 20_000,
      failures: { e20Rate: 0, e21Rate: 0, noResponseRate: 0 },
      srvMix: [{ srv: '4.8.1', weight: 1, roles: ['IS', 'ED'] }],
      slowResponses: { rate: 0.5, minMs: 600_000, maxMs: 900_000 },
    });
    const hans = [...sim!.groundTruth].map((t) => t.figures.hanUs!);

    expect(sim!.stats.slowResponses).toBeGreaterThan(5);
    expect(hans.filter((us) => us >= 600e6).length).toBe(sim!.stats.slowResponses);
    expect(hans.every((us) => us < 60e6 || (us >= 600e6 && us <= 900e6))).toBe(true);
  });

  it('counts what it started and stamped', async () => {
    await simulate({ seed: 13, rigs: 3, requestsPerSecond: 2, alertsPerSecond: 1, durationMs: 5_000 });
    const s = sim!.stats;
    const truths = [...sim!.groundTruth];

    expect(s.requestsStarted + s.alertsStarted).toBe(truths.length);
    expect(s.journeysCompleted).toBe(truths.length);
    expect(s.hopsStamped).toBe(truths.reduce((n, t) => n + t.hops.length, 0));
    const stamped = [...sim!.agents.values()].reduce((n, a) => n + a.status().stamped, 0);
    expect(stamped).toBe(s.hopsStamped);
  });

  it('runs in real time, each journey starting and ending within the wall-clock run', async () => {
    const wallStartUs = Date.now() * 1000;
    sim = startSimulation({
      brokerUrl: collector.brokerUrl, dataDir: join(dir.path, 'agents'), seed: 15, rigs: 3,
      requestsPerSecond: 100, alertsPerSecond: 20, durationMs: 300, latency: fastLatency(),
      failures: { e20Rate: 0, e21Rate: 0, noResponseRate: 0, alertLossRate: 0 },
    });
    await expect(sim.runFor(10)).rejects.toThrow(/real time/);

    const started = () => sim!.stats.requestsStarted + sim!.stats.alertsStarted;
    await pollUntil(() => (Date.now() * 1000 > wallStartUs + 400_000 && sim!.stats.journeysCompleted === started() ? true : undefined), 20_000);
    const wallEndUs = Date.now() * 1000;
    const truths = [...sim!.groundTruth];

    expect(truths.length).toBeGreaterThan(10);
    expect(truths.length).toBe(started());
    for (const t of truths) {
      expect(t.startedUs).toBeGreaterThanOrEqual(wallStartUs);
      expect(t.endedUs).toBeLessThanOrEqual(wallEndUs);
    }
    await sim!.drained(5000);
    const key = truths[0]!.key;
    const stored = await pollUntil(() => collector.store.journeysByKey(key)[0], 5000);
    expect(stored?.srv).toBe(truths[0]!.srv);
  });
});
