// The default period of a metric report: the last N local days up to today inclusive, counted
// on the calendar (Europe/London), so a BST change does not add or drop a day.
import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../../collector/metrics/calendar.js';
import { parsePeriod } from '../../../collector/metrics/metric-params.js';

const london = createCalendar('Europe/London');
const utc = (iso: string) => Date.parse(iso);
const localDays = (p: { fromMs: number; toMs: number }) => {
  const days: string[] = [];
  for (let ms = p.fromMs; ms < p.toMs; ms = london.dayRange(london.localDate(ms))[1]) days.push(london.localDate(ms));
  return days;
};

describe('default period', () => {
  it('is 7 local days across the spring-forward of Sunday 29 March 2026', () => {
    // Tuesday 31 March 2026, noon BST: 25 March 00:00 GMT to 1 April 00:00 BST (23:00 UTC), 7 × 24 − 1 hours.
    const p = parsePeriod({}, london, utc('2026-03-31T11:00:00Z'), 7);
    expect(p).toEqual({ fromMs: utc('2026-03-25T00:00:00Z'), toMs: utc('2026-03-31T23:00:00Z') });
    expect(localDays(p)).toEqual(['2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
  });

  it('is 28 local days for a 28-day report across the same change', () => {
    // Friday 10 April 2026: 14 March (GMT) to 10 April inclusive, 18 + 10 days.
    const p = parsePeriod({}, london, utc('2026-04-10T11:00:00Z'), 28);
    expect(p).toEqual({ fromMs: utc('2026-03-14T00:00:00Z'), toMs: utc('2026-04-10T23:00:00Z') });
    expect(localDays(p)).toHaveLength(28);
  });

  it('counts back from a given `to` in local days too', () => {
    expect(parsePeriod({ to: '2026-04-01' }, london, 0, 7)).toEqual({ fromMs: utc('2026-03-25T00:00:00Z'), toMs: utc('2026-03-31T23:00:00Z') });
  });

  it('is 7 local days in autumn, when a day has 25 hours (Sunday 25 October 2026)', () => {
    const p = parsePeriod({}, london, utc('2026-10-27T12:00:00Z'), 7);
    expect(p).toEqual({ fromMs: utc('2026-10-20T23:00:00Z'), toMs: utc('2026-10-28T00:00:00Z') });
    expect(localDays(p)).toHaveLength(7);
  });
});
