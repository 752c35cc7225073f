// Error and bound tallies for the fidelity comparison: absolute errors with nearest-rank
// percentiles, how many true values lie within the stated bounds, and the worst case.

/** Absolute errors |measured − true|, microseconds; nearest-rank percentiles; null when there are none. */
export interface ErrorSummary {
  readonly count: number;
  readonly p50Us: number | null;
  readonly p99Us: number | null;
  readonly maxUs: number | null;
}

/** The single worst comparison of a figure or segment, to start an investigation from. */
export interface WorstCase {
  readonly key: string;
  readonly measuredUs: number;
  readonly trueUs: number;
  readonly errorUs: number;
  readonly boundUs: number | null;
}

export interface BoundCheck {
  /** Comparisons whose record states a finite bound. */
  readonly bounded: number;
  readonly withinBound: number;
  /** withinBound / bounded; null when nothing is bounded. */
  readonly withinBoundShare: number | null;
  /**
   * Share within the bound widened by the wire's resolution (hop times travel as whole
   * microseconds, so an interval can be off by 1 µs that no clock error explains).
   */
  readonly withinBoundOrResolutionShare: number | null;
  readonly medianBoundUs: number | null;
  /** Comparisons whose bound is infinite or absent: an agent's clock was not known yet. */
  readonly unsynchronised: number;
}

/** Nearest-rank percentile (p in 0..100) of ascending values. */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

export function summariseErrors(errors: readonly number[]): ErrorSummary {
  if (errors.length === 0) return { count: 0, p50Us: null, p99Us: null, maxUs: null };
  const sorted = Float64Array.from(errors).sort();
  return { count: sorted.length, p50Us: nearestRank(sorted, 50), p99Us: nearestRank(sorted, 99), maxUs: sorted[sorted.length - 1]! };
}

/** Hop times are whole microseconds on the wire: each end of an interval may be truncated by up to 1 µs. */
const WIRE_RESOLUTION_US = 1;

/** Errors, bounds and the worst case of one figure or segment, filled journey by journey. */
export class Tally {
  readonly errors: number[] = [];
  readonly short: number[] = [];
  readonly long: number[] = [];
  readonly bounds: number[] = [];
  withinBound = 0;
  withinResolution = 0;
  unsynchronised = 0;
  missing = 0;
  crossAgent = false;
  worst: WorstCase | null = null;

  add(key: string, measuredUs: number, trueUs: number, boundUs: number | undefined, long: boolean): boolean {
    const errorUs = Math.abs(measuredUs - trueUs);
    this.errors.push(errorUs);
    (long ? this.long : this.short).push(errorUs);
    const bounded = boundUs !== undefined && Number.isFinite(boundUs);
    if (!this.worst || errorUs > this.worst.errorUs) this.worst = { key, measuredUs, trueUs, errorUs, boundUs: bounded ? boundUs : null };
    if (!bounded) {
      this.unsynchronised++;
      return false;
    }
    this.bounds.push(boundUs);
    if (errorUs <= boundUs) this.withinBound++;
    if (errorUs <= boundUs + WIRE_RESOLUTION_US) this.withinResolution++;
    return errorUs <= boundUs;
  }

  boundCheck(): BoundCheck {
    const sorted = Float64Array.from(this.bounds).sort();
    return {
      bounded: sorted.length,
      withinBound: this.withinBound,
      withinBoundShare: sorted.length === 0 ? null : this.withinBound / sorted.length,
      withinBoundOrResolutionShare: sorted.length === 0 ? null : this.withinResolution / sorted.length,
      medianBoundUs: sorted.length === 0 ? null : nearestRank(sorted, 50),
      unsynchronised: this.unsynchronised,
    };
  }
}
