// How much of a fitted drift to apply, and what bound covers the rest.
//
// The fit gives a rate difference b̂ with a half-width w (three standard errors): the true
// b lies in [b̂ − w, b̂ + w]. Applying b̂ itself adds error whenever w is large beside b̂:
// an agent that keeps perfect time, fitted from two exchanges a few seconds apart, would
// have its same-agent figures bent by tens of ppm. Waiting for a baseline long enough
// that b̂ beats w, then applying all of it, is a cliff: the applied rate jumps by w at
// the switch. Shrinking by w (the interval's point nearest zero) never overshoots but
// keeps a bias of w for as long as the agent runs, three times the estimate's own error.
// So b̂ is shrunk in proportion to how poorly it is known, b̂ (1 − (w / b̂)²) (the
// non-negative garrote): zero while the interval holds zero, so a well-kept clock is
// left exact however noisy its first exchanges; continuous; and nearly all of b̂ once w
// is small beside it. What is left is bounded by the interval's far end from the
// applied rate (at most 2w), which the same-agent figure's bound carries.
//
// Two limits narrow the interval. The prior (clock.maxDriftPpm, a crystal's assumed worst
// case) only until the drift is measured: once w is narrower than the prior, or the data
// put the rate outside it, the data alone speak and nothing clips a measured drift. The
// physical limit (1,000 ppm): no working clock drifts further, so an estimate beyond it
// is not applied beyond it and its bound is widened to the whole interval; the agent is
// flagged once the interval lies wholly beyond the limit.

export interface DriftLimits {
  /** Rate difference assumed before the drift is measured (fraction, not ppm). */
  readonly prior: number;
  /** Beyond this no clock is trusted to run (fraction). */
  readonly physical: number;
  /** Least rate uncertainty ever claimed: temperature and ageing move a rate (fraction). */
  readonly floor: number;
}

export interface DriftDecision {
  /** The rate difference applied to the agent's times. */
  readonly applied: number;
  /** Bound on |true − applied|. */
  readonly uncertainty: number;
  /** The whole interval lies beyond the physical limit: the agent and its records are flagged. */
  readonly beyondLimit: boolean;
}

/** `measured` ± `halfWidth` is what the exchanges say about the rate difference. */
export function decideDrift(measured: number, halfWidth: number, limits: DriftLimits): DriftDecision {
  const lo = measured - halfWidth;
  const hi = measured + halfWidth;
  // A fit beyond the limit widens the bound to its whole interval; only an interval wholly beyond
  // it flags the agent (a few noisy exchanges can put the fit anywhere without saying much).
  const widened = Math.abs(measured) > limits.physical;
  const beyondLimit = Math.abs(measured) - halfWidth > limits.physical;
  const priorHolds = halfWidth > limits.prior && lo <= limits.prior && hi >= -limits.prior;
  const limit = widened ? Infinity : priorHolds ? limits.prior : limits.physical;
  const from = Math.max(lo, -limit);
  const to = Math.min(hi, limit);
  const shrunk = Math.abs(measured) > halfWidth ? measured * (1 - (halfWidth / measured) ** 2) : 0;
  const applied = clamp(clamp(shrunk, from, to), -limits.physical, limits.physical);
  const uncertainty = Math.max(limits.floor, to - applied, applied - from);
  return { applied, uncertainty, beyondLimit };
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);
