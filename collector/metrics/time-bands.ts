// The time-of-day bands MP122 (Requirement 3, "Reporting Service availability by time of
// day") splits availability into: Monday to Friday 08:00-20:00 (installations) and
// 20:00-08:00 (other processes, e.g. CoS); Saturday 08:00-12:00 and 12:00-08:00; Sunday.
// Each minute belongs to the band of its own local calendar day: the 20:00-08:00 band of a
// weekday is its hours before 08:00 and from 20:00, Saturday's 12:00-08:00 band is Saturday
// outside 08:00-12:00, and Sunday is 00:00-24:00. The bands are whole hours, so a local hour decides.

export const TIME_BANDS = ['mon-fri-08-20', 'mon-fri-20-08', 'sat-08-12', 'sat-12-08', 'sun'] as const;
export type TimeBand = (typeof TIME_BANDS)[number];

export const TIME_BAND_LABELS: Readonly<Record<TimeBand, string>> = {
  'mon-fri-08-20': 'Mon-Fri 08:00-20:00',
  'mon-fri-20-08': 'Mon-Fri 20:00-08:00',
  'sat-08-12': 'Sat 08:00-12:00',
  'sat-12-08': 'Sat 12:00-08:00',
  sun: 'Sunday',
};

/** weekday: 0 Sunday … 6 Saturday; hour: local 0-23. */
export function timeBandOf(weekday: number, hour: number): TimeBand {
  if (weekday === 0) return 'sun';
  if (weekday === 6) return hour >= 8 && hour < 12 ? 'sat-08-12' : 'sat-12-08';
  return hour >= 8 && hour < 20 ? 'mon-fri-08-20' : 'mon-fri-20-08';
}
