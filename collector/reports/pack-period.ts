// The period a PDF pack covers, from the same parameters as every report (month, or from/to;
// by default the last 30 local days), and how its pages name it.
import type { Calendar } from '../metrics/calendar.js';
import { parsePeriod, type MetricParams } from '../metrics/metric-params.js';

export interface PackPeriod {
  readonly fromMs: number;
  readonly toMs: number;
  /** "2026-11", or "2026-10-30 to 2026-11-28" (inclusive local dates). */
  readonly label: string;
  readonly generatedAt: string;
}

export function packPeriod(p: MetricParams, calendar: Calendar, nowMs: number): PackPeriod {
  const { fromMs, toMs } = parsePeriod(p, calendar, nowMs, 30);
  const label = p.month ?? `${calendar.localDate(fromMs)} to ${calendar.localDate(toMs - 1)}`;
  return { fromMs, toMs, label, generatedAt: generatedAt(nowMs) };
}

/** When a report was made, as its pages say it: "2026-11-29 01:20 UTC". */
export const generatedAt = (nowMs: number) => `${new Date(nowMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
