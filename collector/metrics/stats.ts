// Exact summary statistics of durations (microseconds): mean, median, range and
// percentiles, by selection rather than a full sort (a month of one SRV can be millions of values).

export interface Summary {
  readonly count: number;
  readonly mean: number | null;
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export const EMPTY_SUMMARY: Summary = Object.freeze({ count: 0, mean: null, median: null, min: null, max: null, p90: null, p95: null, p99: null });

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[] | Float64Array, p: number): number {
  return sorted[nearestRank(sorted.length, p) - 1]!;
}

/** 1-based nearest rank: the smallest value with at least p % of the values at or below it. */
export function nearestRank(n: number, p: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
}

/** The median of sorted values: the mean of the two middle values when the count is even. */
export function median(sorted: readonly number[] | Float64Array): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Exact summary of the first `n` values of `values` (reordered in place). `sum` is passed in
 * because rollups keep it; min and max come from the selection.
 */
export function exactSummary(values: Float64Array, n: number, sum: number): Summary {
  if (n === 0) return EMPTY_SUMMARY;
  const ranks = summaryRanks(n);
  return summaryAt(n, sum, ranks, selectRanks(values, n, ranks));
}

/** Min, the two middle ranks, p90, p95, p99, max. */
function summaryRanks(n: number): number[] {
  return [1, Math.floor((n + 1) / 2), Math.floor(n / 2) + 1, nearestRank(n, 90), nearestRank(n, 95), nearestRank(n, 99), n];
}

function summaryAt(n: number, sum: number, ranks: readonly number[], at: ReadonlyMap<number, number>): Summary {
  return { count: n, mean: sum / n, median: (at.get(ranks[1]!)! + at.get(ranks[2]!)!) / 2, min: at.get(1)!, max: at.get(n)!, p90: at.get(ranks[3]!)!, p95: at.get(ranks[4]!)!, p99: at.get(ranks[5]!)! };
}

/** The values at 1-based ranks. */
export function selectRanks(values: Float64Array, n: number, ranks: readonly number[]): Map<number, number> {
  const wanted = [...new Set(ranks)].sort((a, b) => a - b);
  return n >= RADIX_MIN && nonNegative(values, n) ? radixSelect(values, n, wanted) : quickselect(values, n, wanted);
}

/** Quickselect: each selection narrows the next one's range. */
function quickselect(values: Float64Array, n: number, wanted: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  let lo = 0;
  for (const rank of wanted) {
    const k = rank - 1;
    select(values, lo, n - 1, k);
    out.set(rank, values[k]!);
    lo = k;
  }
  return out;
}

const RADIX_MIN = 4096;
const BUCKET_BITS = 20;
const counts = new Uint32Array(1 << BUCKET_BITS);
const marks = new Uint8Array(1 << BUCKET_BITS);

function nonNegative(values: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (!(values[i]! >= 0)) return false;
  return true;
}

/**
 * Exact selection in two passes for large arrays of non-negative doubles (a month of one SRV
 * is millions of values): non-negative doubles order as their bit patterns do, so the top 20
 * bits of each (exponent and 8 bits of mantissa, buckets 0.4 % wide) make a histogram; the
 * wanted ranks fall in a few buckets, whose values alone are then sorted.
 */
function radixSelect(values: Float64Array, n: number, wanted: readonly number[]): Map<number, number> {
  const high = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  const shift = 32 - BUCKET_BITS;
  // The histogram is shared and kept zeroed: only the buckets between the lowest and the
  // highest value are touched, then cleared (durations span a few thousand buckets).
  let lo = counts.length;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const b = high[2 * i + HIGH]! >>> shift;
    counts[b]!++;
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }
  // Walk the histogram once: each wanted rank's bucket, and its rank inside the bucket.
  const targets: { rank: number; bucket: number; within: number }[] = [];
  let seen = 0;
  let w = 0;
  for (let b = lo; b <= hi && w < wanted.length; b++) {
    const c = counts[b]!;
    while (w < wanted.length && seen + c >= wanted[w]!) targets.push({ rank: wanted[w]!, bucket: b, within: wanted[w++]! - seen });
    seen += c;
  }
  const buckets = [...new Set(targets.map((t) => t.bucket))];
  const gathered = buckets.map((b) => new Float64Array(counts[b]!));
  counts.fill(0, lo, hi + 1);
  const filled = new Uint32Array(buckets.length);
  buckets.forEach((b, i) => (marks[b] = i + 1));
  for (let i = 0; i < n; i++) {
    const m = marks[high[2 * i + HIGH]! >>> shift]!;
    if (m !== 0) gathered[m - 1]![filled[m - 1]!++] = values[i]!;
  }
  buckets.forEach((b) => (marks[b] = 0));
  for (const g of gathered) g.sort();
  return new Map(targets.map((t) => [t.rank, gathered[buckets.indexOf(t.bucket)]![t.within - 1]!]));
}

/** Which 32-bit half of a double holds its sign and exponent on this host. */
const HIGH = new Uint32Array(new Float64Array([1]).buffer)[1] === 0x3ff00000 ? 1 : 0;

/**
 * The values at 1-based ranks of the union of a few sorted runs, without merging them: for
 * each rank, a binary search over the (integer microsecond) value range, counting the values
 * at or below a candidate in every run by binary search. A day of an SRV stored as one sorted
 * run is answered in microseconds instead of a pass over millions of values.
 */
export function selectFromRuns(runs: readonly Float64Array[], ranks: readonly number[]): Map<number, number> {
  const live = runs.filter((r) => r.length > 0);
  const out = new Map<number, number>();
  if (live.length === 0) return out;
  let lowest = Infinity;
  let highest = -Infinity;
  let n = 0;
  for (const r of live) {
    lowest = Math.min(lowest, r[0]!);
    highest = Math.max(highest, r[r.length - 1]!);
    n += r.length;
  }
  const atOrBelow = (x: number) => {
    let c = 0;
    for (let i = 0; i < live.length; i++) c += upperBound(live[i]!, x);
    return c;
  };
  for (const rank of new Set(ranks)) {
    if (rank <= 1 || rank >= n) {
      out.set(rank, rank <= 1 ? lowest : highest);
      continue;
    }
    let lo = Math.floor(lowest);
    let hi = Math.ceil(highest);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (atOrBelow(mid) >= rank) hi = mid;
      else lo = mid + 1;
    }
    // The largest stored value at or below the bound is the value of that rank.
    let value = -Infinity;
    for (const r of live) {
      const i = upperBound(r, lo) - 1;
      if (i >= 0 && r[i]! > value) value = r[i]!;
    }
    out.set(rank, value);
  }
  return out;
}

/** How many values of the sorted array are <= x. */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The summary of values held as a few sorted runs. */
export function runsSummary(runs: readonly Float64Array[], sum: number): Summary {
  const n = runs.reduce((c, r) => c + r.length, 0);
  if (n === 0) return EMPTY_SUMMARY;
  const ranks = summaryRanks(n);
  const at = selectFromRuns(runs, ranks);
  return summaryAt(n, sum, ranks, at);
}

/** Places the k-th smallest of values[lo..hi] at index k (Hoare partition, median-of-three pivot). */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
