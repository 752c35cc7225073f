// Intervals for success rates: Wilson's score interval for one proportion (Wilson 1927) and
// Newcombe's hybrid score interval for the difference of two independent proportions
// (Newcombe 1998, "Interval estimation for the difference between independent proportions",
// Statistics in Medicine 17:873–890, method 10):
//   d = p1 − p2,  L = d − sqrt((p1 − l1)² + (u2 − p2)²),  U = d + sqrt((u1 − p1)² + (p2 − l2)²)
// where (l_i, u_i) are the Wilson intervals of p_i.
import { Z_95 } from './rank-shift.js';

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

export interface ProportionDifference extends Interval {
  /** p1 − p2. */
  readonly difference: number;
}

/** Wilson score interval of successes/trials (trials > 0). */
export function wilson(successes: number, trials: number, z = Z_95): Interval {
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const scale = 1 + z2 / trials;
  return { lower: Math.max(0, (centre - spread) / scale), upper: Math.min(1, (centre + spread) / scale) };
}

/** Newcombe's hybrid score interval of p1 − p2 (both trial counts > 0). */
export function newcombe(s1: number, n1: number, s2: number, n2: number, z = Z_95): ProportionDifference {
  const p1 = s1 / n1;
  const p2 = s2 / n2;
  const w1 = wilson(s1, n1, z);
  const w2 = wilson(s2, n2, z);
  const difference = p1 - p2;
  return {
    difference,
    lower: difference - Math.hypot(p1 - w1.lower, w2.upper - p2),
    upper: difference + Math.hypot(w1.upper - p1, p2 - w2.lower),
  };
}
