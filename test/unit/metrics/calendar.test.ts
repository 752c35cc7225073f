import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../../collector/metrics/calendar.js';
import { timeBandOf } from '../../../collector/metrics/time-bands.js';

const london = createCalendar('Europe/London');
const utc = (iso: string) => Date.parse(iso);

describe('calendar (Europe/London)', () => {
  it('puts an instant after 23:00 UTC in summer on the next local day and month', () => {
    expect(london.localDate(utc('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(london.localDate(utc('2026-12-31T23:30:00Z'))).toBe('2026-12-31');
  });

  it('starts local days at 23:00 UTC during BST and at 00:00 UTC in winter', () => {
    expect(london.dayRange('2026-07-01')).toEqual([utc('2026-06-30T23:00:00Z'), utc('2026-07-01T23:00:00Z')]);
    expect(london.dayRange('2026-01-10')).toEqual([utc('2026-01-10T00:00:00Z'), utc('2026-01-11T00:00:00Z')]);
  });

  it('gives the days the clocks change 23 and 25 hours', () => {
    const [springStart, springEnd] = london.dayRange('2026-03-29');
    const [autumnStart, autumnEnd] = london.dayRange('2026-10-25');
    expect((springEnd - springStart) / 3_600_000).toBe(23);
    expect((autumnEnd - autumnStart) / 3_600_000).toBe(25);
  });

  it('makes October 2026 run from BST midnight to GMT midnight (31 days and one hour)', () => {
    const [start, end] = london.monthRange('2026-10');
    expect(new Date(start).toISOString()).toBe('2026-09-30T23:00:00.000Z');
    expect(new Date(end).toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('reads local wall-clock hours and weekdays across the BST change', () => {
    expect(london.at(utc('2026-03-29T00:30:00Z'))).toMatchObject({ date: '2026-03-29', hour: 0, weekday: 0 });
    expect(london.at(utc('2026-03-29T01:30:00Z'))).toMatchObject({ date: '2026-03-29', hour: 2, weekday: 0 });
  });

  it('refuses a zone whose offset is not whole hours, and an unknown zone', () => {
    expect(() => createCalendar('Asia/Kolkata')).toThrow(/not a whole number of hours/);
    expect(() => createCalendar('Mars/Olympus')).toThrow(/not an IANA time zone/);
  });
});

// MP122 Requirement 3, "Reporting Service availability by time of day".
describe('time-of-day bands', () => {
  it.each([
    [1, 7, 'mon-fri-20-08'], [1, 8, 'mon-fri-08-20'], [5, 19, 'mon-fri-08-20'], [5, 20, 'mon-fri-20-08'],
    [6, 7, 'sat-12-08'], [6, 8, 'sat-08-12'], [6, 11, 'sat-08-12'], [6, 12, 'sat-12-08'], [6, 23, 'sat-12-08'],
    [0, 0, 'sun'], [0, 12, 'sun'], [0, 23, 'sun'],
  ])('puts weekday %i hour %i in %s', (weekday, hour, band) => {
    expect(timeBandOf(weekday, hour)).toBe(band);
  });
});
