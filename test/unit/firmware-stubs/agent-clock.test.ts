import { describe, expect, it } from 'vitest';
import { createAgentClock } from '../../../firmware-stubs/agent-clock.js';

const T0 = Date.parse('2026-10-01T12:00:00Z') * 1000;

describe('agent clock', () => {
  it('reads true time when it has no offset, drift or step', () => {
    const clock = createAgentClock({ startUs: T0, trueNowUs: () => T0 + 123 });
    expect(clock.nowUs()).toBe(T0 + 123);
  });

  it('adds its offset', () => {
    const clock = createAgentClock({ startUs: T0, offsetUs: -2_500_000, trueNowUs: () => T0 });
    expect(clock.nowUs()).toBe(T0 - 2_500_000);
  });

  it('gains drift in proportion to true time elapsed since the start', () => {
    const clock = createAgentClock({ startUs: T0, offsetUs: 1000, driftPpm: 50, trueNowUs: () => T0 });
    // 50 ppm over one hour is 180 ms.
    expect(clock.readAt(T0 + 3_600_000_000)).toBe(T0 + 3_600_000_000 + 1000 + 180_000);
    expect(clock.readAt(T0)).toBe(T0 + 1000);
  });

  it('applies each step to the wall clock from its true time on, and not before', () => {
    const clock = createAgentClock({
      startUs: T0,
      steps: [{ atTrueUs: T0 + 20_000_000, stepUs: -500_000 }, { atTrueUs: T0 + 10_000_000, stepUs: 2_000_000 }],
      trueNowUs: () => T0,
    });
    expect(clock.wallAt(T0 + 9_999_999)).toBe(T0 + 9_999_999);
    expect(clock.wallAt(T0 + 10_000_000)).toBe(T0 + 12_000_000);
    expect(clock.wallAt(T0 + 30_000_000)).toBe(T0 + 31_500_000);
  });

  it('keeps steps out of the timeline the agent stamps with', () => {
    const clock = createAgentClock({ startUs: T0, steps: [{ atTrueUs: T0 + 10, stepUs: 2_000_000 }], trueNowUs: () => T0 });
    expect(clock.readAt(T0 + 30_000_000)).toBe(T0 + 30_000_000);
  });

  it('moves the timeline too for a step marked as one, as an agent restarted after a clock reset', () => {
    const c = createAgentClock({ startUs: T0, steps: [{ atTrueUs: T0 + 10e6, stepUs: 2e6, timeline: true }, { atTrueUs: T0 + 20e6, stepUs: 5e6 }], trueNowUs: () => T0 });
    expect(c.readAt(T0 + 9e6)).toBe(T0 + 9e6);
    expect(c.readAt(T0 + 30e6)).toBe(T0 + 32e6);
    expect(c.wallAt(T0 + 30e6)).toBe(T0 + 37e6);
  });

  it('combines offset, drift and steps exactly', () => {
    const trueUs = T0 + 1_000_000_000;
    const clock = createAgentClock({
      startUs: T0, offsetUs: -3_000_000, driftPpm: -20, steps: [{ atTrueUs: T0 + 5, stepUs: 2_000_000 }], trueNowUs: () => trueUs,
    });
    expect(clock.nowUs()).toBe(trueUs - 3_000_000 - 20_000);
    expect(clock.wallNowUs()).toBe(trueUs - 3_000_000 - 20_000 + 2_000_000);
    expect(clock.nowUs()).toBe(clock.readAt(trueUs));
  });

  it('reads the scheduler\'s current true time on every call', () => {
    let trueUs = T0;
    const clock = createAgentClock({ startUs: T0, offsetUs: 7, trueNowUs: () => trueUs });
    trueUs = T0 + 1_000_000;
    expect(clock.nowUs()).toBe(T0 + 1_000_007);
  });

  it('refuses a clock that is not finite', () => {
    expect(() => createAgentClock({ startUs: T0, driftPpm: Number.NaN, trueNowUs: () => T0 })).toThrow(/driftPpm/);
  });
});
