import { describe, expect, it } from 'vitest';
import { createRandom, createWeightedChoice } from '../../../firmware-stubs/random.js';

const draws = (seed: number, n = 8) => {
  const r = createRandom(seed);
  return Array.from({ length: n }, () => r.next());
};

describe('random', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draws(42)).toEqual(draws(42));
  });

  it('gives different sequences for different seeds', () => {
    expect(draws(42)).not.toEqual(draws(43));
  });

  it('draws uniform numbers in [0, 1) with a mean near one half', () => {
    const values = draws(7, 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
  });

  it('forks streams that depend on the label but not on draws made before', () => {
    const a = createRandom(5);
    const b = createRandom(5);
    b.next();
    b.next();
    expect(a.fork('latency').next()).toBe(b.fork('latency').next());
    expect(a.fork('latency').next()).not.toBe(a.fork('traffic').next());
  });

  it('draws lognormals whose median is the given median', () => {
    const r = createRandom(11);
    const values = Array.from({ length: 20_001 }, () => r.lognormal(500, 0.5)).sort((x, y) => x - y);
    expect(values[10_000]).toBeGreaterThan(480);
    expect(values[10_000]).toBeLessThan(520);
  });

  it('draws exponential gaps whose mean is the given mean', () => {
    const r = createRandom(3);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += r.exponential(200);
    expect(sum / n).toBeGreaterThan(190);
    expect(sum / n).toBeLessThan(210);
  });

  it('chooses weighted values in proportion to their weights and never a zero weight', () => {
    const choose = createWeightedChoice([{ value: 'a', weight: 3 }, { value: 'never', weight: 0 }, { value: 'b', weight: 1 }]);
    const r = createRandom(9);
    const counts: Record<string, number> = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 20_000; i++) counts[choose(r)]!++;
    expect(counts.never).toBe(0);
    expect(counts.a! / counts.b!).toBeGreaterThan(2.7);
    expect(counts.a! / counts.b!).toBeLessThan(3.3);
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => createRandom(1.5)).toThrow(RangeError);
  });
});
