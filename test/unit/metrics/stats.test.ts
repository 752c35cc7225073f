// Exact statistics by selection, and the sketch's stated relative error (DDSketch, α = 1 %).
import { describe, expect, it } from 'vitest';
import { addToSketch, SKETCH_RELATIVE_ACCURACY, sketchKey, sketchSummary, sketchValue, type Sketch } from '../../../collector/metrics/sketch.js';
import { exactSummary, median, percentile, runsSummary } from '../../../collector/metrics/stats.js';

/** A deterministic spread of RTT-like values, 0.05 s to about 600 s, with repeats. */
function values(n: number, seed = 7): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    out.push(Math.round(50_000 * Math.exp((x / 2 ** 31) * 9.4)));
  }
  return out;
}

describe('exact summary', () => {
  it.each([
    ['1 value', values(1)], ['2 values', values(2)], ['3 values', values(3)], ['101 values', values(101)],
    ['50,000 values (two-pass histogram selection)', values(50_000)],
    ['50,000 values in 7 distinct values', values(50_000).map((x) => x % 7)],
    ['a negative value among 10,000 (quickselect)', [...values(9999), -5]],
  ])('matches a full sort for %s', (_what, v) => {
    const n = v.length;
    const sorted = [...v].sort((a, b) => a - b);
    const sum = v.reduce((a, b) => a + b, 0);
    expect(exactSummary(Float64Array.from(v), n, sum)).toEqual({
      count: n, mean: sum / n, median: median(sorted), min: sorted[0], max: sorted[n - 1],
      p90: percentile(sorted, 90), p95: percentile(sorted, 95), p99: percentile(sorted, 99),
    });
  });

  it.each([[1, 5000], [3, 1], [7, 2000], [31, 300], [200, 40]])('gives the same summary from %i sorted runs (of about %i values) without merging them', (runs, size) => {
    const parts = Array.from({ length: runs }, (_, i) => values(1 + ((size * (i + 3)) % (2 * size)), i + 1).map((v) => v % 50_000_000).sort((a, b) => a - b));
    const all = parts.flat();
    const sum = all.reduce((a, b) => a + b, 0);
    expect(runsSummary(parts.map((p) => Float64Array.from(p)), sum)).toEqual(exactSummary(Float64Array.from(all), all.length, sum));
  });

  it('takes the mean of the two middle values as the median of an even count (MP122: the median resists outliers)', () => {
    expect(exactSummary(Float64Array.from([40, 1, 3, 2]), 4, 46).median).toBe(2.5);
  });
});

describe('sketch', () => {
  it('keeps every value within 1 % of its bucket\'s representative value', () => {
    for (const v of [1, 2, 999, 1000, 1001, 30e6, 5600e6, 432_000e6, -3e6]) {
      expect(Math.abs(sketchValue(sketchKey(v)) - v) / Math.abs(v)).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY + 1e-12);
    }
    expect(sketchValue(sketchKey(0))).toBe(0);
  });

  it('answers percentiles within 1 % of the exact value at the same rank', () => {
    const v = values(20_000);
    const sorted = [...v].sort((a, b) => a - b);
    const s: Sketch = new Map();
    for (const x of v) addToSketch(s, sketchKey(x), 1);
    const got = sketchSummary(s, 0);
    const pairs: [estimate: number | null, exact: number][] = [[got.p90, percentile(sorted, 90)], [got.p95, percentile(sorted, 95)], [got.p99, percentile(sorted, 99)], [got.min, sorted[0]!]];
    for (const [estimate, exact] of pairs) {
      expect(Math.abs(estimate! - exact) / exact).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
    }
  });

  it('forgets a retracted value exactly', () => {
    const s: Sketch = new Map();
    addToSketch(s, sketchKey(5e6), 1);
    addToSketch(s, sketchKey(7e6), 1);
    addToSketch(s, sketchKey(5e6), -1);
    expect([...s.entries()]).toEqual([[sketchKey(7e6), 1]]);
  });
});
