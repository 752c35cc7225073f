// One comparison (collector/analysis/compare.ts) from report parameters, as the API and
// `hopwatch report compare` both run it: the period (default the last 7 days), the slice
// filters, the figure (default rttUs); and the same rows flattened for CSV.
import { compare, COMPARE_DIMENSIONS, type CompareDimension, type ComparisonRow } from '../analysis/compare.js';
import type { MetricReader } from '../metrics/engine.js';
import { bad, parseFilters, parsePeriod, type MetricParams } from '../metrics/metric-params.js';
import type { JourneyRecordStore } from '../store/ports/journey-records.js';
import { flatten, type FlatRow } from './csv.js';

export interface CompareParams extends MetricParams {
  readonly dimension?: string;
  readonly a?: string;
  readonly b?: string;
  readonly figure?: string;
}

export interface ComparisonReport {
  readonly from: string;
  readonly to: string;
  readonly dimension: CompareDimension;
  readonly a: string;
  readonly b: string;
  readonly figure: string;
  readonly rows: readonly ComparisonRow[];
}

export function runComparison(store: JourneyRecordStore, m: MetricReader, q: CompareParams, nowMs: number): ComparisonReport {
  const dimension = q.dimension as CompareDimension;
  if (!COMPARE_DIMENSIONS.includes(dimension)) throw bad(`dimension ${JSON.stringify(q.dimension ?? '')} is not one of ${COMPARE_DIMENSIONS.join(', ')}`);
  if (q.a === undefined || q.b === undefined) throw bad('a comparison needs a (the baseline) and b (the candidate)');
  const { fromMs, toMs } = parsePeriod(q, m.source.calendar, nowMs, 7);
  const figure = q.figure ?? 'rttUs';
  const rows = compare(store, { dimension, a: q.a, b: q.b, fromMs, toMs, figure, filters: parseFilters(q, m.source.catalogue) });
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), dimension, a: q.a, b: q.b, figure, rows };
}

/** One flat row per comparison row, nested fields as dotted columns (a.medianUs, shiftUs.lower). */
export function comparisonTable(r: ComparisonReport): FlatRow[] {
  return r.rows.map((row) => flatten({
    from: r.from, to: r.to, dimension: r.dimension, figure: r.figure, ...row,
    shiftUs: row.shiftUs ?? { estimate: null, lower: null, upper: null, thinned: null },
  }));
}
