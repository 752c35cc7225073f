// MP176 "Business process reporting": the daily breakdown of a party's success/failure rates
// and times "highlighting 'Category 1 & 2' Incidents". Each day row gets the number of
// Category 1 and Category 2 incidents (SEC Appendix AG categories, as declared through
// /api/v1/incidents) open at any time in that local day, in the row's CSP region when the row
// has one (an incident without a region concerns every region), and their ids.
import type { OperationsLog } from '../store/ports/operations-log.js';
import type { Calendar } from './calendar.js';

/** The categories MP176 asks to highlight. */
export const FLAGGED_CATEGORIES = [1, 2] as const;

export interface IncidentFlags {
  readonly category1Incidents: number;
  readonly category2Incidents: number;
  /** Ids of those incidents, ascending, space-separated ('' when none). */
  readonly incidentIds: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Adds the flags to rows whose period is a local date; other rows (month, total) come back unchanged. */
export function flagIncidents<R extends { readonly period: string; readonly region?: unknown }>(
  rows: readonly R[], log: OperationsLog, calendar: Calendar, fromMs: number, toMs: number,
): (R | (R & IncidentFlags))[] {
  const incidents = log.incidents(fromMs, toMs).filter((i) => (FLAGGED_CATEGORIES as readonly number[]).includes(i.category));
  return rows.map((row) => {
    if (!DATE.test(row.period)) return row;
    const [dayFrom, dayTo] = calendar.dayRange(row.period);
    const region = typeof row.region === 'string' && row.region !== '' ? row.region : undefined;
    const open = incidents.filter((i) => i.startedMs < dayTo && (i.resolvedMs === null || i.resolvedMs > dayFrom) && (region === undefined || i.region === null || i.region === region));
    return {
      ...row,
      category1Incidents: open.filter((i) => i.category === 1).length,
      category2Incidents: open.filter((i) => i.category === 2).length,
      incidentIds: open.map((i) => i.id).sort((a, b) => a - b).join(' '),
    };
  });
}
