import { describe, expect, it } from 'vitest';
import { ClockModel } from '../../../collector/clock/clock-model.js';
import type { TimeSample } from '../../../collector/clock/time-sample.js';
import type { Random } from '../../../firmware-stubs/random.js';
import { createRandom } from '../../../firmware-stubs/random.js';

const T0 = Date.parse('2026-10-01T00:00:00Z') * 1000;

/** An agent clock reading true time with an offset and a constant drift. */
const agentClock = (offsetUs: number, driftPpm: number) => (trueUs: number) => trueUs + offsetUs + (driftPpm * (trueUs - T0)) / 1e6;
type AgentClock = ReturnType<typeof agentClock>;

/** An exchange at true time t over a noisy, asymmetric path (collector clock = true time). */
function exchange(clock: AgentClock, t: number, random: Random): TimeSample {
  const up = 2000 + random.next() * 30_000;
  const down = 1000 + random.next() * 8000;
  return { t1Us: clock(t), t2Us: t + up, t3Us: t + up + 50, t4Us: clock(t + up + 50 + down) };
}

/** True times of an agent's exchanges as agent/time-probe.ts sends them: eight fast ones, then every 10 s. */
function probeTimes(untilUs: number): number[] {
  const times: number[] = [];
  for (let t = T0, i = 0; t <= untilUs; t += (i++ < 8 ? 0.5e6 : 10e6)) times.push(t);
  return times;
}

/** Feeds every exchange up to `untilUs`, calling `each` after each one with the true time. */
function run(model: ClockModel, clock: AgentClock, untilUs: number, random: Random, each?: (trueUs: number) => void): void {
  for (const t of probeTimes(untilUs)) {
    model.add(exchange(clock, t, random));
    each?.(t + 40_000);
  }
}

/** Error of an interval of `lengthUs` true µs starting at true time `startUs`, mapped as the joiner does. */
function intervalError(model: ClockModel, clock: AgentClock, startUs: number, lengthUs: number): { error: number; bound: number } {
  const a = clock(startUs);
  const b = clock(startUs + lengthUs);
  const m = model.map(a);
  return { error: Math.abs(model.map(b).us - m.us - lengthUs), bound: (b - a) * m.rateUncertainty + 1 };
}

describe('clock drift', () => {
  it('applies no drift to an agent that keeps perfect time, fitted from noisy exchanges a few seconds apart', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = createRandom(seed);
      const clock = agentClock(-1_500_000, 0);
      const model = new ClockModel();
      // One exchange just before a window boundary and one just after: the two points the fit first has.
      model.add(exchange(clock, T0 + 59e6, random));
      model.add(exchange(clock, T0 + 62e6, random));
      expect(model.summary(clock(T0 + 62e6)).exchanges).toBe(2);
      expect(Math.abs(model.summary(clock(T0 + 62e6)).appliedDriftPpm)).toBe(0);
      const { error, bound } = intervalError(model, clock, T0 + 63e6, 30e6);
      expect(error).toBeLessThanOrEqual(1);
      expect(error).toBeLessThanOrEqual(bound);
    }
  });

  it('keeps a 30 s interval of a perfect clock within 1 µs through its first hour of probes', () => {
    let worst = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const random = createRandom(seed);
      const clock = agentClock(-800_000, 0);
      const model = new ClockModel();
      run(model, clock, T0 + 3600e6, random, (t) => {
        worst = Math.max(worst, intervalError(model, clock, t - 30e6, 30e6).error);
      });
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('keeps a 50-minute interval within 10 ms, and within its bound, when written as it ends, on a perfect and a drifting clock', () => {
    for (const driftPpm of [0, 85, -100]) {
      for (let seed = 1; seed <= 5; seed++) {
        const random = createRandom(seed);
        const clock = agentClock(2_000_000, driftPpm);
        const model = new ClockModel();
        // The journey starts in the agent's second minute and is mapped when it closes.
        run(model, clock, T0 + 60e6 + 3000e6, random);
        const { error, bound } = intervalError(model, clock, T0 + 60e6, 3000e6);
        expect(error).toBeLessThanOrEqual(10_000);
        expect(error).toBeLessThanOrEqual(bound);
      }
    }
  });

  for (const driftPpm of [-200, 500]) {
    it(`measures an agent at ${driftPpm} ppm to within a few ppm, unclipped by the prior, and keeps its offset within bounds once the exchanges show it`, () => {
      const random = createRandom(11);
      const clock = agentClock(3_000_000, driftPpm);
      const model = new ClockModel();
      let misses = 0;
      let mapped = 0;
      run(model, clock, T0 + 3600e6, random, (t) => {
        // Until the exchanges contradict the prior (100 ppm), the bounds rest on it: a few minutes at this noise.
        if (t < T0 + 300e6) return;
        const m = model.map(clock(t));
        mapped++;
        if (Math.abs(m.us - t) > m.uncertaintyUs) misses++;
      });
      const s = model.summary(clock(T0 + 3600e6));
      expect(mapped).toBeGreaterThan(320);
      expect(misses).toBe(0);
      expect(Math.abs(s.driftPpm - driftPpm)).toBeLessThan(3);
      expect(Math.abs(s.appliedDriftPpm - driftPpm)).toBeLessThan(3);
      expect(s.driftBeyondLimit).toBe(false);
    });
  }

  it('flags an agent drifting beyond 1,000 ppm and widens its bounds to cover what is not applied', () => {
    const random = createRandom(3);
    const clock = agentClock(0, 1500);
    const model = new ClockModel();
    let misses = 0;
    run(model, clock, T0 + 1800e6, random, (t) => {
      if (t < T0 + 300e6) return;
      const m = model.map(clock(t));
      if (Math.abs(m.us - t) > m.uncertaintyUs) misses++;
    });
    const s = model.summary(clock(T0 + 1800e6));
    const { error, bound } = intervalError(model, clock, T0 + 1700e6, 30e6);
    expect(model.driftBeyondLimit).toBe(true);
    expect(s.driftBeyondLimit).toBe(true);
    expect(model.map(clock(T0 + 1800e6)).driftBeyondLimit).toBe(true);
    expect(s.driftPpm).toBeCloseTo(1500, -1);
    expect(s.appliedDriftPpm).toBe(1000);
    expect(s.driftUncertaintyPpm).toBeGreaterThanOrEqual(490);
    expect(misses).toBe(0);
    expect(error).toBeLessThanOrEqual(bound);
  });

  it('starts a new segment when a drifting clock steps, and keeps both sides within their bounds', () => {
    const random = createRandom(5);
    const stepAt = T0 + 1800e6;
    const base = agentClock(1_000_000, 300);
    const clock: AgentClock = (t) => base(t) + (t >= stepAt ? -1_500_000 : 0);
    const model = new ClockModel();
    run(model, clock, T0 + 3600e6, random);
    const before = model.map(clock(T0 + 900e6));
    const after = model.map(clock(T0 + 3000e6));
    expect(model.steps).toBe(1);
    expect(Math.abs(before.us - (T0 + 900e6))).toBeLessThanOrEqual(before.uncertaintyUs);
    expect(Math.abs(after.us - (T0 + 3000e6))).toBeLessThanOrEqual(after.uncertaintyUs);
  });
});
