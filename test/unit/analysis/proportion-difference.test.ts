// References: Newcombe (1998) Table II, example (a) 56/70 − 48/80 = 0.2000, 95 % CI 0.0524 to
// 0.3339 (method 10); the other cases computed with SciPy 1.17's Wilson interval
// (scipy.stats.binomtest(k, n).proportion_ci(0.95, 'wilson')) combined by Newcombe's formula.
import { describe, expect, it } from 'vitest';
import { newcombe, wilson } from '../../../collector/analysis/proportion-difference.js';

describe('success-rate intervals', () => {
  it('gives the Wilson interval SciPy gives', () => {
    const w = wilson(56, 70);
    expect(w.lower).toBeCloseTo(0.6918335550374693, 12);
    expect(w.upper).toBeCloseTo(0.8769526075163704, 12);
  });

  it("reproduces Newcombe's published example 56/70 against 48/80", () => {
    const d = newcombe(56, 70, 48, 80);
    expect(d.difference).toBeCloseTo(0.2, 12);
    expect(d.lower).toBeCloseTo(0.05243147240236484, 12);
    expect(d.upper).toBeCloseTo(0.3338726540369059, 12);
    expect(d.lower.toFixed(4)).toBe('0.0524');
    expect(d.upper.toFixed(4)).toBe('0.3339');
  });

  it('matches the reference for small counts, large counts and a boundary case', () => {
    const cases: [number, number, number, number, number, number][] = [
      [9, 10, 3, 10, 0.17052272393450296, 0.8090179735354881],
      [980, 1000, 950, 1000, 0.014026056132676958, 0.046844637006793394],
      [10, 10, 0, 10, 0.6075093504305242, 1],
    ];
    for (const [s1, n1, s2, n2, lower, upper] of cases) {
      const d = newcombe(s1, n1, s2, n2);
      expect(d.lower).toBeCloseTo(lower, 12);
      expect(d.upper).toBeCloseTo(upper, 12);
    }
  });
});
