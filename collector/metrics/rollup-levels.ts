// Rollups are kept at two levels of time: UTC hours, written as records arrive, and local days,
// built once a day has closed (see fold.ts). A query reads day rows where they cover its range
// and hour rows elsewhere: a month is then about 31 rows per SRV, whatever the number of hours.
import type { Calendar } from './calendar.js';

export const LEVEL = { HOUR: 0, DAY: 1 } as const;
export type Level = (typeof LEVEL)[keyof typeof LEVEL];

/** Each period's row comes in two parts: the SRV's all-requests aggregate, and every group's. */
export const PART = { ALL_REQUESTS: 0, GROUPS: 1 } as const;

export interface Levels {
  /** UTC ms of the local midnight starting the day an hour is in. */
  dayOf(hourMs: number): number;
  /** UTC ms where the local day starting at `dayMs` ends. */
  dayEnd(dayMs: number): number;
}

export function createLevels(calendar: Calendar): Levels {
  const days = new Map<number, number>();
  const ends = new Map<number, number>();
  return {
    dayOf(hourMs) {
      let day = days.get(hourMs);
      if (day === undefined) days.set(hourMs, (day = calendar.startOfDay(calendar.localDate(hourMs))));
      return day;
    },
    dayEnd(dayMs) {
      let end = ends.get(dayMs);
      if (end === undefined) ends.set(dayMs, (end = calendar.dayRange(calendar.localDate(dayMs))[1]));
      return end;
    },
  };
}
