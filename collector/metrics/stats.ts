// Exact summary statistics of a set of durations (microseconds).

export interface Summary {
  readonly count: number;
  readonly mean: number | null;
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly p95: number | null;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[] | Float64Array, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The median of sorted values: the mean of the two middle values when the count is even. */
export function median(sorted: readonly number[] | Float64Array): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, mean: null, median: null, min: null, max: null, p95: null };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    mean: sum / sorted.length,
    median: median(sorted),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p95: percentile(sorted, 95),
  };
}
