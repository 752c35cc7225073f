// A quantile sketch with a stated relative error (the DDSketch mapping, Masson et al., VLDB
// 2019): a value v falls in bucket ceil(log_γ |v|) with γ = (1 + α) / (1 − α), and the
// bucket's representative value is within α · |v| of every value in it. With α = 1 % any
// percentile a sketch answers is within 1 % of a value whose rank is exact. Buckets are
// counts, so sketches merge by adding and a retracted record is subtracted exactly.
import type { Summary } from './stats.js';
import { EMPTY_SUMMARY, nearestRank } from './stats.js';

export const SKETCH_RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

/** Bucket key: 0 for 0; ±(i + 1) for |v| in (γ^(i−1), γ^i], so keys sort as values do. */
export function sketchKey(v: number): number {
  if (v === 0) return 0;
  const i = Math.max(0, Math.ceil(Math.log(Math.abs(v)) / LOG_GAMMA - 1e-12));
  return v > 0 ? i + 1 : -(i + 1);
}

export function sketchValue(key: number): number {
  if (key === 0) return 0;
  const i = Math.abs(key) - 1;
  const v = (2 * GAMMA ** i) / (GAMMA + 1);
  return key > 0 ? v : -v;
}

/** Bucket counts by key; a count may drop to 0 after a retraction (the key is then removed). */
export type Sketch = Map<number, number>;

export function addToSketch(s: Sketch, key: number, count: number): void {
  const c = (s.get(key) ?? 0) + count;
  if (c === 0) s.delete(key);
  else s.set(key, c);
}

/** Percentiles from a sketch, by the same nearest-rank rule as the exact summary; mean from the exact sum. */
export function sketchSummary(s: Sketch, sum: number): Summary {
  const keys = [...s.keys()].sort((a, b) => a - b);
  let n = 0;
  for (const k of keys) n += s.get(k)!;
  if (n === 0) return EMPTY_SUMMARY;
  const valueAtRank = (rank: number) => {
    let seen = 0;
    for (const k of keys) {
      seen += s.get(k)!;
      if (seen >= rank) return sketchValue(k);
    }
    return sketchValue(keys[keys.length - 1]!);
  };
  return {
    count: n,
    mean: sum / n,
    median: (valueAtRank(Math.floor((n + 1) / 2)) + valueAtRank(Math.floor(n / 2) + 1)) / 2,
    min: sketchValue(keys[0]!),
    max: sketchValue(keys[keys.length - 1]!),
    p90: valueAtRank(nearestRank(n, 90)),
    p95: valueAtRank(nearestRank(n, 95)),
    p99: valueAtRank(nearestRank(n, 99)),
  };
}
