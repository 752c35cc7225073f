// How one agent's clock relates to the collector's: collector = agent + offset(agent time),
// with offset(x) = a + b (x - t0) fitted to the exchanges (b is the rate difference: a
// clock running 40 ppm fast has b = -40e-6). Each kept exchange bounds the true offset at
// its time to offset ± delay / 2; the fit and those bounds give an uncertainty for any
// time, which grows with distance from the exchanges by the drift's own uncertainty.
// How much of the fitted drift is applied, and the limits on it, is drift-estimate.ts.
//
// Exchanges are filtered the NTP way: within each window only the lowest-delay one is
// kept (queueing only ever adds delay). A jump in offset that the model cannot explain,
// seen twice in a row, starts a new segment: earlier times keep the earlier fit.
import { decideDrift } from './drift-estimate.js';
import { agentMidpointOf, delayOf, offsetOf, type TimeSample } from './time-sample.js';

export interface ClockModelOptions {
  /** Width of the windows in which only the lowest-delay exchange is kept. */
  readonly windowUs: number;
  /** Exchanges kept per segment (the oldest windows go first). */
  readonly maxPoints: number;
  /** Rate error assumed until the drift is measured (a crystal's worst case); never a cap on a measured drift. */
  readonly maxDriftPpm: number;
  /** No working clock drifts further: a fit beyond it is not applied beyond it, and the agent is flagged. */
  readonly driftLimitPpm: number;
  /** Least rate uncertainty ever claimed (temperature and ageing change a rate). */
  readonly driftFloorPpm: number;
  /** An offset this far outside the model's bound is a step, not noise. */
  readonly stepThresholdUs: number;
}

// 256 one-minute windows: a drift fitted over four hours keeps a 5,600-second journey's
// figures within a few milliseconds (64 windows, one hour, left only twice the margin).
export const defaultClockModelOptions: ClockModelOptions = {
  windowUs: 60e6, maxPoints: 256, maxDriftPpm: 100, driftLimitPpm: 1000, driftFloorPpm: 0.1, stepThresholdUs: 5000,
};

/** An exchange as kept: agent time, offset, delay. */
export type ClockPoint = readonly [atUs: number, offsetUs: number, delayUs: number];

export interface ClockModelState {
  readonly segments: readonly { readonly fromUs: number; readonly points: readonly ClockPoint[] }[];
}

export interface Mapping {
  /** The agent time on the collector's clock. */
  readonly us: number;
  /** Bound on the error of `us`; Infinity before any exchange. */
  readonly uncertaintyUs: number;
  /** Collector microseconds per agent microsecond (1 + b). */
  readonly rate: number;
  /** Bound on the error of `rate`: an interval of d agent µs is right to within d * rateUncertainty. */
  readonly rateUncertainty: number;
  /** The agent's measured drift lies beyond the physical limit (its bounds are widened to cover it). */
  readonly driftBeyondLimit: boolean;
}

interface Fit {
  readonly t0: number;
  readonly a: number;
  /** The rate difference applied (the fitted one, shrunk in proportion to its uncertainty). */
  readonly b: number;
  /** Bound on the error of b. */
  readonly sigmaB: number;
  /** The rate difference the exchanges say, before shrinking. */
  readonly measuredB: number;
  readonly beyondLimit: boolean;
}

class Segment {
  points: ClockPoint[] = [];
  fit: Fit | undefined;

  constructor(readonly fromUs: number) {}

  offsetAt(x: number): number {
    return this.fit ? this.fit.a + this.fit.b * (x - this.fit.t0) : 0;
  }

  /** min over points of: the point's own bound, how far the fit misses it, and drift since. */
  uncertaintyAt(x: number): number {
    if (!this.fit) return Infinity;
    let u = Infinity;
    for (const [at, offset, delay] of this.points) {
      const bound = delay / 2 + Math.abs(offset - this.offsetAt(at)) + this.fit.sigmaB * Math.abs(x - at);
      if (bound < u) u = bound;
    }
    return u;
  }
}

export interface ClockSummary {
  readonly offsetUs: number;
  /** How fast the agent's clock runs, as measured (ppm, positive: fast). */
  readonly driftPpm: number;
  /** The drift applied to its times: the measured one shrunk in proportion to its uncertainty. */
  readonly appliedDriftPpm: number;
  /** Bound on the error of the applied drift (ppm). */
  readonly driftUncertaintyPpm: number;
  readonly driftBeyondLimit: boolean;
  readonly uncertaintyUs: number;
  readonly exchanges: number;
  readonly steps: number;
}

export class ClockModel {
  private readonly segments: Segment[] = [];
  private suspect: ClockPoint | undefined;
  /** Exchanges rejected because their delay was negative (a clock went backwards mid-exchange). */
  rejected = 0;
  steps = 0;

  constructor(private readonly options: ClockModelOptions = defaultClockModelOptions, state?: ClockModelState) {
    for (const s of state?.segments ?? []) {
      const seg = new Segment(s.fromUs);
      seg.points = [...s.points];
      this.refit(seg);
      this.segments.push(seg);
    }
  }

  add(sample: TimeSample): void {
    const point: ClockPoint = [agentMidpointOf(sample), offsetOf(sample), delayOf(sample)];
    if (!(point[2] >= 0) || !Number.isFinite(point[0] + point[1])) {
      this.rejected++;
      return;
    }
    let seg = this.segments[this.segments.length - 1];
    if (!seg) this.segments.push((seg = new Segment(-Infinity)));
    else if (this.isStep(seg, point)) {
      // Two unexplained jumps that agree with each other: the clock stepped at the first.
      if (this.suspect && Math.abs(this.suspect[1] - point[1]) <= (this.suspect[2] + point[2]) / 2 + this.options.stepThresholdUs) {
        seg = new Segment(this.suspect[0]);
        seg.points.push(this.suspect);
        this.segments.push(seg);
        this.steps++;
        this.suspect = undefined;
      } else {
        this.suspect = point;
        return;
      }
    } else this.suspect = undefined;
    this.keep(seg, point);
    this.refit(seg);
  }

  map(agentUs: number): Mapping {
    const seg = this.segmentAt(agentUs);
    if (!seg?.fit) return { us: agentUs, uncertaintyUs: Infinity, rate: 1, rateUncertainty: this.options.maxDriftPpm * 1e-6, driftBeyondLimit: false };
    return {
      us: agentUs + seg.offsetAt(agentUs),
      uncertaintyUs: seg.uncertaintyAt(agentUs),
      rate: 1 + seg.fit.b,
      rateUncertainty: seg.fit.sigmaB,
      driftBeyondLimit: seg.fit.beyondLimit,
    };
  }

  /** Offset, drift and uncertainty now, for status pages and the API. */
  summary(atAgentUs: number): ClockSummary {
    const seg = this.segmentAt(atAgentUs);
    const fit = seg?.fit;
    return {
      offsetUs: seg?.offsetAt(atAgentUs) ?? 0,
      driftPpm: -(fit?.measuredB ?? 0) * 1e6,
      appliedDriftPpm: -(fit?.b ?? 0) * 1e6,
      driftUncertaintyPpm: (fit?.sigmaB ?? this.options.maxDriftPpm * 1e-6) * 1e6,
      driftBeyondLimit: fit?.beyondLimit ?? false,
      uncertaintyUs: seg?.uncertaintyAt(atAgentUs) ?? Infinity,
      exchanges: seg?.points.length ?? 0,
      steps: this.steps,
    };
  }

  /** The latest segment's fitted drift lies beyond the physical limit. */
  get driftBeyondLimit(): boolean {
    return this.segments[this.segments.length - 1]?.fit?.beyondLimit ?? false;
  }

  state(): ClockModelState {
    return { segments: this.segments.map((s) => ({ fromUs: s.fromUs, points: s.points })) };
  }

  private segmentAt(x: number): Segment | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) if (this.segments[i]!.fromUs <= x) return this.segments[i];
    return this.segments[0];
  }

  private isStep(seg: Segment, [at, offset, delay]: ClockPoint): boolean {
    if (!seg.fit || seg.points.length < 3) return false;
    return Math.abs(offset - seg.offsetAt(at)) > seg.uncertaintyAt(at) + delay / 2 + this.options.stepThresholdUs;
  }

  private keep(seg: Segment, point: ClockPoint): void {
    const window = Math.floor(point[0] / this.options.windowUs);
    const last = seg.points[seg.points.length - 1];
    if (last && Math.floor(last[0] / this.options.windowUs) === window) {
      if (point[2] < last[2]) seg.points[seg.points.length - 1] = point;
    } else seg.points.push(point);
    if (seg.points.length > this.options.maxPoints) seg.points.shift();
  }

  /**
   * Weighted least squares of offset on time; each exchange's error is uniform within
   * ± delay / 2, so its standard deviation is at most delay / (2 √3). The slope's
   * half-width is three standard errors; decideDrift turns slope and half-width into the
   * rate applied and its bound. The line goes through the weighted mean whatever its slope.
   */
  private refit(seg: Segment): void {
    const pts = seg.points;
    if (pts.length === 0) {
      seg.fit = undefined;
      return;
    }
    let sw = 0, sx = 0, sy = 0;
    for (const [at, offset, delay] of pts) {
      const w = weightOf(delay);
      sw += w; sx += w * at; sy += w * offset;
    }
    const t0 = sx / sw;
    const mean = sy / sw;
    let sxx = 0, sxy = 0;
    for (const [at, offset, delay] of pts) {
      const w = weightOf(delay);
      sxx += w * (at - t0) ** 2; sxy += w * (at - t0) * (offset - mean);
    }
    const prior = this.options.maxDriftPpm * 1e-6;
    if (!(pts.length >= 2 && sxx > 0)) {
      seg.fit = { t0, a: mean, b: 0, sigmaB: prior, measuredB: 0, beyondLimit: false };
      return;
    }
    const measuredB = sxy / sxx;
    const drift = decideDrift(measuredB, slopeHalfWidth(pts, t0, mean, measuredB, sxx), {
      prior, physical: this.options.driftLimitPpm * 1e-6, floor: this.options.driftFloorPpm * 1e-6,
    });
    seg.fit = { t0, a: mean, b: drift.applied, sigmaB: drift.uncertainty, measuredB, beyondLimit: drift.beyondLimit };
  }
}

/** Inverse variance of an exchange's offset: uniform within ± delay / 2, and at least 1 µs (the wire's resolution). */
const weightOf = (delay: number): number => 1 / (delay / (2 * Math.sqrt(3)) + 1) ** 2;

/** Exchanges needed before their scatter about the line is trusted as their noise. */
const MIN_POINTS_FOR_SCATTER = 10;

/**
 * Three standard errors of the slope. The delay-based weights are a worst case: the kept
 * exchanges are each window's fastest, and a fast exchange is rarely very lopsided, so
 * their real scatter is often several times smaller. Once there are enough of them, the
 * weighted residuals say how noisy they really are (reduced chi-square), and the three
 * becomes Student's t at the same confidence, since the scatter is itself estimated; a
 * line that misses them, as when the drift itself wanders, widens the error the same way.
 */
function slopeHalfWidth(pts: readonly ClockPoint[], t0: number, mean: number, b: number, sxx: number): number {
  const dof = pts.length - 2;
  if (pts.length < MIN_POINTS_FOR_SCATTER) return 3 / Math.sqrt(sxx);
  let chi2 = 0;
  for (const [at, offset, delay] of pts) chi2 += weightOf(delay) * (offset - mean - b * (at - t0)) ** 2;
  // Cornish-Fisher expansion of t's 99.87 % quantile (z = 3), within 0.3 % from 8 degrees of freedom: 4.27 there, 3.08 at 100.
  const t = 3 + 7.5 / dof + 17.25 / dof ** 2 + 30.2 / dof ** 3;
  return t * Math.sqrt(chi2 / dof / sxx);
}
