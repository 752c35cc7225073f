import { describe, expect, it } from 'vitest';
import { createAgentClock } from '../../../firmware-stubs/agent-clock.js';
import { createLatencyModel, defaultProbeParameters } from '../../../firmware-stubs/latency-model.js';
import { createRandom } from '../../../firmware-stubs/random.js';
import { createVirtualScheduler } from '../../../firmware-stubs/scheduler.js';
import type { ProbedAgent, SimulatedTimeSample } from '../../../firmware-stubs/time-probes.js';
import { playExchange, startSimulatedProbes } from '../../../firmware-stubs/time-probes.js';

const T0 = Date.parse('2026-10-01T12:00:00Z') * 1000;
const model = createLatencyModel();
const offsetOf = (s: SimulatedTimeSample) => (s.t2Us - s.t1Us + (s.t3Us - s.t4Us)) / 2;
const delayOf = (s: SimulatedTimeSample) => s.t4Us - s.t1Us - (s.t3Us - s.t2Us);

function rig(offsetUs: number, driftPpm: number, steps: { atTrueUs: number; stepUs: number }[] = []): ProbedAgent {
  return { agentId: 'rig-001', role: 'rig', clock: createAgentClock({ startUs: T0, offsetUs, driftPpm, steps, trueNowUs: () => T0 }) };
}

describe('simulated time probes', () => {
  it('reads t1 and t4 on the agent\'s clock and t2, t3 on true time, in causal order', () => {
    const agent = rig(3_000_000, 80);
    const { sample, doneUs } = playExchange(agent, T0 + 60e6, model, createRandom(1));
    expect(sample.t1Us).toBe(agent.clock.readAt(T0 + 60e6));
    expect(sample.t4Us).toBe(agent.clock.readAt(doneUs));
    expect(sample.t2Us).toBeGreaterThan(T0 + 60e6);
    expect(sample.t3Us).toBeGreaterThan(sample.t2Us);
    expect(doneUs).toBeGreaterThan(sample.t3Us);
  });

  it('bounds the true offset by half the round trip, asymmetric paths included', () => {
    const agent = rig(-4_200_000, -95);
    const random = createRandom(2);
    let biasSum = 0;
    for (let i = 0; i < 2000; i++) {
      const t = T0 + i * 10e6;
      const { sample } = playExchange(agent, t, model, random);
      // Collector (true time) minus agent, at the exchange's middle.
      const trueOffset = (sample.t2Us + sample.t3Us) / 2 - agent.clock.readAt((sample.t2Us + sample.t3Us) / 2);
      const error = offsetOf(sample) - trueOffset;
      expect(Math.abs(error)).toBeLessThanOrEqual(delayOf(sample) / 2 + 1);
      biasSum += error;
    }
    // Down is slower than up for a rig, so the offset estimate leans one way: (up - down) / 2 < 0.
    const { up, down } = defaultProbeParameters.paths.rig;
    expect(biasSum / 2000).toBeLessThan(0);
    expect(Math.abs(biasSum / 2000)).toBeLessThan((down.medianMs - up.medianMs) * 1000);
  });

  it('never follows the wall clock: a wall-clock step leaves the exchanges as they were', () => {
    const plain = rig(1000, 10);
    const stepped = rig(1000, 10, [{ atTrueUs: T0 + 5e6, stepUs: 2e6 }]);
    expect(playExchange(stepped, T0 + 10e6, model, createRandom(4)).sample).toEqual(playExchange(plain, T0 + 10e6, model, createRandom(4)).sample);
  });

  it('probes every agent every interval after a fast start, delivering each sample at its t4', () => {
    const scheduler = createVirtualScheduler({ startUs: T0 });
    const agents: ProbedAgent[] = ['a', 'b'].map((id) => ({ ...rig(0, 0), agentId: id, role: 'csp' as const }));
    const seen: { agentId: string; atUs: number }[] = [];
    const probes = startSimulatedProbes({
      scheduler, agents, model, random: createRandom(5), intervalMs: 10_000, active: () => true,
      onSample: (agentId, sample) => {
        expect(scheduler.nowUs()).toBeGreaterThan(sample.t3Us);
        seen.push({ agentId, atUs: scheduler.nowUs() });
      },
    });
    scheduler.runUntil(T0 + 600e6);
    // 8 probes in the first 4 s, then one every 10 s: about 60 in ten minutes per agent.
    for (const id of ['a', 'b']) expect(seen.filter((s) => s.agentId === id).length).toBeGreaterThanOrEqual(59);
    expect(probes.exchanges).toBe(seen.length);
  });

  it('stops once the simulation says it is no longer active', () => {
    const scheduler = createVirtualScheduler({ startUs: T0 });
    let active = true;
    startSimulatedProbes({ scheduler, agents: [rig(0, 0)], model, random: createRandom(6), intervalMs: 1000, active: () => active, onSample: () => undefined });
    scheduler.runUntil(T0 + 30e6);
    active = false;
    scheduler.runUntil(T0 + 32e6);
    expect(scheduler.pending).toBe(0);
  });
});
