// The plain verdicts of a comparison, on hand-made intervals.
import { describe, expect, it } from 'vitest';
import { comparisonVerdict, ms, successVerdict } from '../../../collector/analysis/verdict.js';

const q = { a: '2.1.0', b: '2.2.0', figure: 'rttUs' };
const measured = (n: number) => ({ measured: n });

describe('comparison verdicts', () => {
  it('writes milliseconds to a precision that suits the size', () => {
    expect([ms(41_000), ms(123_456), ms(1_234), ms(567), ms(-12_345)]).toEqual(['41 ms', '123 ms', '1.23 ms', '0.567 ms', '12.3 ms']);
  });

  it('calls b faster or slower only when the interval excludes zero', () => {
    expect(comparisonVerdict(q, measured(100), measured(100), { estimate: -41_000, lower: -52_000, upper: -30_000, rank: 1 }))
      .toBe('2.2.0 is 41 ms faster than 2.1.0, 95 % CI 30–52 ms');
    expect(comparisonVerdict(q, measured(100), measured(100), { estimate: 41_000, lower: 30_000, upper: 52_000, rank: 1 }))
      .toBe('2.2.0 is 41 ms slower than 2.1.0, 95 % CI 30–52 ms');
    expect(comparisonVerdict(q, measured(100), measured(100), { estimate: 3000, lower: -5000, upper: 11_000, rank: 1 }))
      .toBe('no difference detectable with these counts (2.2.0 − 2.1.0: +3 ms, 95 % CI −5 ms to +11 ms)');
  });

  it('says when a side has nothing measured or too little for an interval', () => {
    expect(comparisonVerdict(q, measured(0), measured(5), null)).toBe('no rttUs measured for 2.1.0');
    expect(comparisonVerdict(q, measured(2), measured(3), { estimate: 1, lower: null, upper: null, rank: null }))
      .toBe('too few measured journeys for a 95 % interval (2.1.0: 2, 2.2.0: 3)');
  });

  it('judges the success-rate difference the same way, in points', () => {
    expect(successVerdict(q, { difference: 2, lower: 0.5, upper: 3.5 })).toBe('2.2.0 succeeds 2 points more often than 2.1.0, 95 % CI 0.5–3.5 points');
    expect(successVerdict(q, { difference: 0.1, lower: -1.2, upper: 1.4 })).toBe('no success-rate difference detectable with these counts (95 % CI −1.2 to +1.4 points)');
    expect(successVerdict(q, null)).toBe('no journeys for 2.1.0 or 2.2.0');
  });
});
