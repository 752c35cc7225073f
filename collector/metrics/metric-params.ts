// The parameters every metric report takes, parsed the same way for the HTTP API (query
// string) and `hopwatch report` (flags): the period (`month`, or `from`/`to`), the granularity,
// `by` (dimensions to group by) and one filter per slice dimension (comma-separated values).
// Dates are local dates in the reporting time zone; `to` is exclusive.
import { HopwatchError } from '../../common/error-codes.js';
import { CSP_REGIONS, DEVICE_TYPES, SMETS_GENERATIONS, SRV_PATTERN } from '../../proto/hop-context.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { Calendar } from './calendar.js';
import { SLICE_DIMENSIONS, type Dimension, type SliceDimension } from './dimensions.js';
import type { Filters, Period } from './rollup-query.js';

export type MetricParams = Partial<Record<'month' | 'from' | 'to' | 'granularity' | 'by' | SliceDimension, string>>;

const HOUR_MS = 3_600_000;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const PARTY = /^(?:[0-9A-F]{2}-){7}[0-9A-F]{2}$/;
const GRANULARITIES: readonly Period[] = ['hour', 'day', 'month', 'total'];

export const MONTH_PATTERN = MONTH.source;

export function bad(message: string): HopwatchError {
  return new HopwatchError('HW_COLLECTOR_BAD_QUERY', message);
}

/** A local date (midnight in the zone) or an instant with an offset, rounded down to the hour (rollups are hourly). */
function instant(value: string, name: string, calendar: Calendar): number {
  if (DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return calendar.startOfDay(value);
  const ms = INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw bad(`${name} ${JSON.stringify(value)} is not a date (YYYY-MM-DD) or a date-time with an offset`);
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The local date `days` calendar days before `date`: stepping by 24 hours would cross a DST change short or long. */
function localDaysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** [fromMs, toMs): the month, else from/to, else the `defaultDays` local days up to today inclusive. */
export function parsePeriod(p: MetricParams, calendar: Calendar, nowMs: number, defaultDays: number): { fromMs: number; toMs: number } {
  if (p.month !== undefined) {
    if (!MONTH.test(p.month)) throw bad(`month ${JSON.stringify(p.month)} is not YYYY-MM`);
    if (p.from !== undefined || p.to !== undefined) throw bad('give month, or from and to, not both');
    const [fromMs, toMs] = calendar.monthRange(p.month);
    return { fromMs, toMs };
  }
  const toMs = p.to !== undefined ? instant(p.to, 'to', calendar) : calendar.dayRange(calendar.localDate(nowMs))[1];
  const fromMs = p.from !== undefined ? instant(p.from, 'from', calendar) : calendar.startOfDay(localDaysBefore(calendar.localDate(toMs), defaultDays));
  if (fromMs >= toMs) throw bad(`from ${p.from ?? ''} must be before to ${p.to ?? '(today)'}`);
  if (toMs - fromMs > 400 * 86_400_000) throw bad('a period is at most 400 days');
  return { fromMs, toMs };
}

export function parseGranularity(value: string | undefined, fallback: Period): Period {
  if (value === undefined) return fallback;
  if (!GRANULARITIES.includes(value as Period)) throw bad(`granularity ${JSON.stringify(value)} is not one of ${GRANULARITIES.join(', ')}`);
  return value as Period;
}

export function parseBy(value: string | undefined, fallback: readonly Dimension[]): Dimension[] {
  if (value === undefined || value === '') return [...fallback];
  const by = value.split(',').map((d) => d.trim());
  for (const d of by) if (!SLICE_DIMENSIONS.includes(d as SliceDimension)) throw bad(`by ${JSON.stringify(d)} is not one of ${SLICE_DIMENSIONS.join(', ')}`);
  if (new Set(by).size !== by.length) throw bad(`by ${JSON.stringify(value)} names a dimension twice`);
  return by as Dimension[];
}

/** The values a filter may take where they are known in advance; a value outside them would
 *  only ever match nothing, so it is refused with the list instead of answering empty data. */
function filterDomains(catalogue: Catalogue): Partial<Record<SliceDimension, readonly string[]>> {
  return {
    region: CSP_REGIONS,
    smets: SMETS_GENERATIONS,
    deviceType: DEVICE_TYPES,
    process: catalogue.data.businessProcesses.map((bp) => bp.id),
    userRole: catalogue.data.userRoles.map((r) => r.id),
  };
}

function checkFilterValue(d: SliceDimension, value: string, domains: Partial<Record<SliceDimension, readonly string[]>>): void {
  const allowed = domains[d];
  if (allowed && !allowed.includes(value)) throw bad(`${d} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  // SRVs outside the catalogue are still recorded (as unknown), so any well-formed one may be asked for.
  if (d === 'srv' && !SRV_PATTERN.test(value)) throw bad(`srv ${JSON.stringify(value)} is not an SRV (like 4.8.1) or an alert code (like AD1)`);
  if (d === 'party' && !PARTY.test(value)) throw bad(`party ${JSON.stringify(value)} is not an EUI-64 like 90-B3-D5-1F-30-01-00-00`);
}

export function parseFilters(p: MetricParams, catalogue: Catalogue): Filters {
  const domains = filterDomains(catalogue);
  const filters: Partial<Record<Dimension, string[]>> = {};
  for (const d of SLICE_DIMENSIONS) {
    const v = p[d];
    if (v === undefined) continue;
    // Parties are stored as formatted EUI-64s (upper-case hex), so a lower-case one is the same party.
    const values = v.split(',').map((x) => (d === 'party' ? x.trim().toUpperCase() : x.trim())).filter((x) => x !== '');
    if (values.length === 0) throw bad(`${d} is empty`);
    for (const value of values) checkFilterValue(d, value, domains);
    filters[d] = values;
  }
  return filters;
}

export interface ParsedMetricQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly period: Period;
  readonly by: Dimension[];
  readonly filters: Filters;
}

export function parseMetricQuery(p: MetricParams, source: { readonly calendar: Calendar; readonly catalogue: Catalogue }, nowMs: number, defaults: { days: number; granularity: Period; by: readonly Dimension[] }): ParsedMetricQuery {
  const { calendar, catalogue } = source;
  return {
    ...parsePeriod(p, calendar, nowMs, defaults.days),
    period: parseGranularity(p.granularity, p.month !== undefined && p.granularity === undefined ? 'month' : defaults.granularity),
    by: parseBy(p.by, defaults.by),
    filters: parseFilters(p, catalogue),
  };
}
