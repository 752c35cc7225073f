import { describe, expect, it } from 'vitest';
import { ClockModel, defaultClockModelOptions } from '../../../collector/clock/clock-model.js';
import type { TimeSample } from '../../../collector/clock/time-sample.js';
import { createRandom } from '../../../firmware-stubs/random.js';

const T0 = Date.parse('2026-10-01T00:00:00Z') * 1000;

/** An agent clock reading true time with an offset and a drift, and step changes. */
function agentClock(offsetUs: number, driftPpm: number, steps: [number, number][] = []) {
  return (trueUs: number) => trueUs + offsetUs + (driftPpm * (trueUs - T0)) / 1e6 + steps.filter(([at]) => at <= trueUs).reduce((s, [, d]) => s + d, 0);
}

/** An exchange at true time t with asymmetric one-way delays (collector clock = true time). */
function exchange(clock: (t: number) => number, t: number, upUs: number, downUs: number, serviceUs = 50): TimeSample {
  return { t1Us: clock(t), t2Us: t + upUs, t3Us: t + upUs + serviceUs, t4Us: clock(t + upUs + serviceUs + downUs) };
}

describe('clock model', () => {
  it('recovers offset and drift, and the true time stays within the stated uncertainty', () => {
    const random = createRandom(7);
    const clock = agentClock(3_200_000, 85);
    const model = new ClockModel();
    for (let i = 0; i < 120; i++) {
      const t = T0 + i * 30e6;
      model.add(exchange(clock, t, 2000 + random.next() * 30_000, 1000 + random.next() * 8000));
    }
    let misses = 0;
    for (let i = 0; i < 1000; i++) {
      const trueUs = T0 + random.next() * 3600e6;
      const m = model.map(clock(trueUs));
      if (Math.abs(m.us - trueUs) > m.uncertaintyUs) misses++;
    }
    const s = model.summary(clock(T0 + 3600e6));
    expect(misses).toBe(0);
    expect(s.driftPpm).toBeCloseTo(85, 0);
    expect(s.uncertaintyUs).toBeLessThan(20_000);
  });

  it('corrects an interval on one clock for its drift', () => {
    const clock = agentClock(-5_000_000, -100);
    const model = new ClockModel();
    for (let i = 0; i < 200; i++) model.add(exchange(clock, T0 + i * 60e6, 1500, 1500));
    const start = T0 + 7000e6;
    const raw = clock(start + 5600e6) - clock(start);
    const m = model.map(clock(start));
    expect(Math.abs(raw * m.rate - 5600e6)).toBeLessThan(10_000);
    expect(Math.abs(raw - 5600e6)).toBeGreaterThan(500_000);
  });

  it('keeps only the lowest-delay exchange of each window', () => {
    const clock = agentClock(0, 0);
    const model = new ClockModel();
    model.add(exchange(clock, T0, 40_000, 40_000));
    model.add(exchange(clock, T0 + 1e6, 500, 500));
    model.add(exchange(clock, T0 + 2e6, 30_000, 30_000));
    expect(model.state().segments[0]!.points.map((p) => p[2])).toEqual([1000]);
  });

  it('starts a new segment after a step seen twice, and keeps the old fit for earlier times', () => {
    const stepAt = T0 + 1800e6;
    const clock = agentClock(1_000_000, 20, [[stepAt, 2_000_000]]);
    const model = new ClockModel();
    for (let i = 0; i < 120; i++) model.add(exchange(clock, T0 + i * 30e6, 2000, 2000));
    const before = model.map(clock(T0 + 900e6));
    const after = model.map(clock(T0 + 3000e6));
    expect(model.steps).toBe(1);
    expect(Math.abs(before.us - (T0 + 900e6))).toBeLessThanOrEqual(before.uncertaintyUs);
    expect(Math.abs(after.us - (T0 + 3000e6))).toBeLessThanOrEqual(after.uncertaintyUs);
  });

  it('claims the worst-case drift before it has two exchanges', () => {
    const model = new ClockModel();
    expect(model.map(T0).uncertaintyUs).toBe(Infinity);
    model.add(exchange(agentClock(0, 0), T0, 1000, 1000));
    expect(model.map(T0 + 10e6).rateUncertainty).toBe(defaultClockModelOptions.maxDriftPpm * 1e-6);
  });

  it('survives a round trip through its stored state', () => {
    const clock = agentClock(250_000, 12);
    const model = new ClockModel();
    for (let i = 0; i < 30; i++) model.add(exchange(clock, T0 + i * 60e6, 3000, 1000));
    const copy = new ClockModel(defaultClockModelOptions, JSON.parse(JSON.stringify(model.state())));
    expect(copy.map(clock(T0 + 900e6))).toEqual(model.map(clock(T0 + 900e6)));
  });
});
