// A comparison's answer in one sentence, as a lab would say it: "2.2.0 is 41 ms faster, 95 % CI
// 30–52 ms", or that no difference is detectable with these counts. A shift is called only
// when its 95 % interval excludes zero.
import type { Shift } from './rank-shift.js';

interface Named {
  readonly a: string;
  readonly b: string;
  readonly figure: string;
}

interface Measured {
  readonly measured: number;
}

/** Microseconds as milliseconds, to a precision that suits the size. */
export function ms(us: number): string {
  const v = Math.abs(us) / 1000;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3;
  return `${Number(v.toFixed(digits))} ms`;
}

const signed = (us: number) => `${us < 0 ? '−' : '+'}${ms(us)}`;

export function comparisonVerdict(q: Named, a: Measured, b: Measured, shift: Shift | null): string {
  if (a.measured === 0 || b.measured === 0) return `no ${q.figure} measured for ${a.measured === 0 ? q.a : q.b}`;
  if (shift === null || shift.lower === null || shift.upper === null) {
    return `too few measured journeys for a 95 % interval (${q.a}: ${a.measured}, ${q.b}: ${b.measured})`;
  }
  if (shift.lower <= 0 && shift.upper >= 0) {
    return `no difference detectable with these counts (${q.b} − ${q.a}: ${signed(shift.estimate)}, 95 % CI ${signed(shift.lower)} to ${signed(shift.upper)})`;
  }
  const faster = shift.upper < 0;
  const [near, far] = faster ? [-shift.upper, -shift.lower] : [shift.lower, shift.upper];
  return `${q.b} is ${ms(Math.abs(shift.estimate))} ${faster ? 'faster' : 'slower'} than ${q.a}, 95 % CI ${ms(near).replace(' ms', '')}–${ms(far)}`;
}

export function successVerdict(q: Named, d: { difference: number; lower: number; upper: number } | null): string {
  if (d === null) return `no journeys for ${q.a} or ${q.b}`;
  const pp = (v: number) => `${Number(Math.abs(v).toFixed(2))} points`;
  const signedPoints = (v: number) => `${v < 0 ? '−' : '+'}${Number(Math.abs(v).toFixed(2))}`;
  if (d.lower <= 0 && d.upper >= 0) return `no success-rate difference detectable with these counts (95 % CI ${signedPoints(d.lower)} to ${signedPoints(d.upper)} points)`;
  const better = d.lower > 0;
  const [near, far] = better ? [d.lower, d.upper] : [-d.upper, -d.lower];
  return `${q.b} succeeds ${pp(d.difference)} ${better ? 'more' : 'less'} often than ${q.a}, 95 % CI ${Number(near.toFixed(2))}–${pp(far)}`;
}
