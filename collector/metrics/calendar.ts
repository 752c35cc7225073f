// Local days, months and wall-clock hours in the reporting time zone (Europe/London by
// default, so that BST changes move day boundaries as they do for the SEC's reports).
// Rollups are kept per UTC hour; a local day is a whole number of UTC hours only when the
// zone's offset is always a whole number of hours, so createCalendar checks that.
import { HopwatchError } from '../../common/error-codes.js';

const HOUR_MS = 3_600_000;

export interface LocalTime {
  readonly date: string;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  /** 0 Sunday … 6 Saturday. */
  readonly weekday: number;
}

export interface Calendar {
  readonly timeZone: string;
  /** Wall-clock fields of the local hour an instant (UTC ms) falls in. */
  at(ms: number): LocalTime;
  localDate(ms: number): string;
  /** UTC ms of the local midnight that starts `date` (YYYY-MM-DD). */
  startOfDay(date: string): number;
  /** [start, end) in UTC ms of a local date or a month (YYYY-MM). */
  dayRange(date: string): readonly [number, number];
  monthRange(month: string): readonly [number, number];
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function createCalendar(timeZone: string): Calendar {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    });
  } catch {
    throw new HopwatchError('HW_COLLECTOR_CONFIG', `metrics.timeZone ${JSON.stringify(timeZone)} is not an IANA time zone`);
  }
  // Formatting is slow (~1 µs); every instant of one UTC hour shares the local hour's fields.
  const byHour = new Map<number, LocalTime & { minute: number }>();
  const hourFields = (hourMs: number): LocalTime & { minute: number } => {
    let t = byHour.get(hourMs);
    if (t) return t;
    const p = Object.fromEntries(format.formatToParts(hourMs).map((x) => [x.type, x.value]));
    const [year, month, day, hour, minute] = [Number(p.year), Number(p.month), Number(p.day), Number(p.hour), Number(p.minute)];
    t = { date: `${year}-${pad(month)}-${pad(day)}`, year, month, day, hour, minute, weekday: WEEKDAYS[p.weekday!]! };
    if (byHour.size >= 200_000) byHour.clear();
    byHour.set(hourMs, t);
    return t;
  };
  const offsetMs = (ms: number) => {
    const hourMs = Math.floor(ms / HOUR_MS) * HOUR_MS;
    const t = hourFields(hourMs);
    return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) - hourMs;
  };
  assertWholeHourOffsets(timeZone, offsetMs);

  const startOfDay = (date: string) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const wall = Date.UTC(y, m - 1, d);
    const guess = wall - offsetMs(wall);
    return wall - offsetMs(guess);
  };
  const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

  return {
    timeZone,
    at: (ms) => hourFields(Math.floor(ms / HOUR_MS) * HOUR_MS),
    localDate: (ms) => hourFields(Math.floor(ms / HOUR_MS) * HOUR_MS).date,
    startOfDay,
    dayRange: (date) => [startOfDay(date), startOfDay(nextDate(date))],
    monthRange(month) {
      const [y, m] = month.split('-').map(Number) as [number, number];
      return [startOfDay(`${y}-${pad(m)}-01`), startOfDay(m === 12 ? `${y + 1}-01-01` : `${y}-${pad(m + 1)}-01`)];
    },
  };
}

/** Samples twice a month over 2015-2040: enough to meet every DST rule the zone has had. */
function assertWholeHourOffsets(timeZone: string, offsetMs: (ms: number) => number): void {
  for (let y = 2015; y <= 2040; y++) {
    for (let m = 0; m < 12; m++) {
      for (const d of [1, 15]) {
        const at = Date.UTC(y, m, d, 12);
        if (offsetMs(at) % HOUR_MS !== 0) {
          throw new HopwatchError('HW_COLLECTOR_CONFIG', `metrics.timeZone ${JSON.stringify(timeZone)} has a UTC offset that is not a whole number of hours (on ${new Date(at).toISOString().slice(0, 10)}); hourly rollups cannot make its days`);
        }
      }
    }
  }
}
