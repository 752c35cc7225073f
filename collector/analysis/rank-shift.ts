// The Hodges–Lehmann shift between two samples and its distribution-free confidence interval
// (Hollander & Wolfe, Nonparametric Statistical Methods, §4.3 and §4.4): the estimate is the
// median of the n·m differences y_j − x_i; the interval runs from the C-th smallest to the
// C-th largest difference, with C from the Mann–Whitney statistic's normal approximation,
//   C = floor(n·m/2 − z·sqrt(n·m·(n+m+1)/12)),
// (no tie correction; with ties the interval is slightly conservative).
// The differences are never materialised: the k-th smallest is found by bisection on its value,
// counting the differences at or below a candidate in one merge-like pass over both sorted
// samples (O(n + m) a step), so a million journeys a side need no n·m memory.

/** The two-sided 95 % normal quantile, Φ⁻¹(0.975). */
export const Z_95 = 1.959963984540054;

export interface Shift {
  /** Median of the differences y − x. */
  readonly estimate: number;
  /** The interval's ends; null when the samples are too small for the level (C < 1). */
  readonly lower: number | null;
  readonly upper: number | null;
  /** The rank C the interval's ends were taken at. */
  readonly rank: number | null;
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values as ArrayLike<number>).sort();
}

/** At most `max` evenly spaced order statistics of sorted values (the middle of each of `max` equal slices). */
export function thin(sorted: Float64Array, max: number): Float64Array {
  if (sorted.length <= max) return sorted;
  const step = sorted.length / max;
  return Float64Array.from({ length: max }, (_, i) => sorted[Math.floor(i * step + step / 2)]!);
}

/** How many differences y_j − x_i are ≤ d (x, y sorted ascending). */
function countAtOrBelow(x: Float64Array, y: Float64Array, d: number): number {
  // y_j − x_i ≤ d  ⇔  x_i ≥ y_j − d; as y_j grows, the first such i only moves right.
  let count = 0;
  let i = 0;
  for (let j = 0; j < y.length; j++) {
    const floor = y[j]! - d;
    while (i < x.length && x[i]! < floor) i++;
    count += x.length - i;
  }
  return count;
}

/** The smallest difference y − x above `d`. */
function smallestAbove(x: Float64Array, y: Float64Array, d: number): number {
  // For each y_j the nearest difference above d comes from the largest x_i < y_j − d.
  let best = Infinity;
  let i = 0;
  for (let j = 0; j < y.length; j++) {
    const ceiling = y[j]! - d;
    while (i < x.length && x[i]! < ceiling) i++;
    if (i > 0) best = Math.min(best, y[j]! - x[i - 1]!);
  }
  return best;
}

/**
 * The k-th smallest (1-based) difference y − x. Bisection brackets it in (lo, hi] until the
 * bracket is narrower than any gap between differences (a relative 1e-12), then the value is
 * read off exactly as the smallest difference above lo.
 */
export function kthDifference(x: Float64Array, y: Float64Array, k: number): number {
  let lo = y[0]! - x[x.length - 1]! - 1;
  let hi = y[y.length - 1]! - x[0]!;
  for (let step = 0; step < 200; step++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (countAtOrBelow(x, y, mid) >= k) hi = mid;
    else lo = mid;
    if (hi - lo <= 1e-12 * Math.max(1, Math.abs(hi))) break;
  }
  return smallestAbove(x, y, lo);
}

/** Hodges–Lehmann shift of `y` against `x` (both sorted ascending, neither empty) with its interval at level z. */
export function hodgesLehmann(x: Float64Array, y: Float64Array, z = Z_95): Shift {
  const n = x.length;
  const m = y.length;
  const total = n * m;
  const estimate = total % 2 === 1
    ? kthDifference(x, y, (total + 1) / 2)
    : (kthDifference(x, y, total / 2) + kthDifference(x, y, total / 2 + 1)) / 2;
  const c = Math.floor(total / 2 - z * Math.sqrt((total * (n + m + 1)) / 12));
  if (c < 1) return { estimate, lower: null, upper: null, rank: null };
  return { estimate, lower: kthDifference(x, y, c), upper: kthDifference(x, y, total + 1 - c), rank: c };
}
