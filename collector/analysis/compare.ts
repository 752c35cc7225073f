// Compares two Communications Hub firmware versions, device firmware versions or device models
// on the same traffic (MP176: diagnosis by device, firmware and region; field test labs):
// per SRV and pooled over all SRVs, the volume, success rate, median and p95 of one figure on
// each side, the difference of medians, the Hodges–Lehmann shift with its 95 % interval
// (rank-shift.ts) and the success-rate difference with Newcombe's interval
// (proportion-difference.ts), with a plain verdict. Differences are always b − a.
// Times are taken from successful journeys only (a failure's time is the time to its error,
// another quantity); the success rate counts every journey. Reads the stored records
// (JourneyRecordStore.scanFigures), never the rollups: the statistics need every value.
import { CSP_REGIONS } from '../../proto/hop-context.js';
import { HOP_POINT_NAMES } from '../../proto/hop-point.js';
import { FIGURE_NAMES, type FigureName } from '../join/journey-record.js';
import { bad } from '../metrics/metric-params.js';
import type { Filters } from '../metrics/rollup-query.js';
import { median, percentile } from '../metrics/stats.js';
import type { FigureRow, JourneyFilter, JourneyRecordStore } from '../store/ports/journey-records.js';
import { newcombe } from './proportion-difference.js';
import { hodgesLehmann, sortedCopy, thin } from './rank-shift.js';
import { comparisonVerdict, successVerdict } from './verdict.js';

export const COMPARE_DIMENSIONS = ['chFirmwareVersion', 'firmwareVersion', 'deviceModel'] as const;
export type CompareDimension = (typeof COMPARE_DIMENSIONS)[number];

/** Filters a comparison takes, as context fields of the record (process is a rollup notion: filter by SRV). */
const FILTER_FIELDS = {
  srv: 'srv', region: 'cspRegion', smets: 'smetsGeneration', deviceType: 'deviceType', deviceModel: 'deviceModel',
  firmwareVersion: 'firmwareVersion', chFirmwareVersion: 'chFirmwareVersion', userRole: 'userRole',
} as const;

/** A bound on the records read per side: beyond it the query asks for a narrower period or slice. */
export const MAX_RECORDS_PER_SIDE = 1_000_000;
/**
 * Above this many values a side, the shift and its interval are computed on this many evenly
 * spaced order statistics of the side (its shape kept, its count reduced): the interval is then
 * that of the smaller sample, wider, never narrower. It bounds the time a comparison holds the
 * collector's thread (about 0.3 s a row at 100,000 against 100,000; 6 s at 2,000,000 each).
 */
export const MAX_SHIFT_VALUES = 100_000;

export interface CompareQuery {
  readonly dimension: CompareDimension;
  readonly a: string;
  readonly b: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** A record figure (FIGURE_NAMES) or a segment between two consecutive points, `FROM-TO` (CSP_OUT-CH_IN). */
  readonly figure: string;
  readonly filters: Filters;
}

export interface SideFigures {
  readonly value: string;
  readonly volume: number;
  readonly successes: number;
  readonly successRatePct: number | null;
  /** Successful journeys with the figure measured. */
  readonly measured: number;
  readonly medianUs: number | null;
  readonly p95Us: number | null;
}

export interface ComparisonRow {
  /** The SRV (or alert code; '' when the journeys named none); null for the row pooled over every SRV. */
  readonly srv: string | null;
  readonly a: SideFigures;
  readonly b: SideFigures;
  readonly medianDifferenceUs: number | null;
  /** Hodges–Lehmann shift b − a with its 95 % interval (null ends: too few values for one); `thinned` when MAX_SHIFT_VALUES applied. */
  readonly shiftUs: { readonly estimate: number; readonly lower: number | null; readonly upper: number | null; readonly thinned: boolean } | null;
  /** Success-rate difference b − a in percentage points, Newcombe's 95 % interval. */
  readonly successRateDifferencePct: { readonly difference: number; readonly lower: number; readonly upper: number } | null;
  readonly verdict: string;
  readonly successVerdict: string;
}

type Extract = (row: FigureRow) => number | undefined;

/** How to read the figure off a record; a bad-query error names what is allowed. */
export function figureReader(figure: string): Extract {
  if ((FIGURE_NAMES as readonly string[]).includes(figure)) return (row) => row.figures[figure as FigureName];
  const [from, to, ...rest] = figure.split('-');
  if (rest.length === 0 && from !== undefined && to !== undefined && HOP_POINT_NAMES.includes(from as never) && HOP_POINT_NAMES.includes(to as never)) {
    return (row) => row.segments.find((s) => s.from === from && s.to === to)?.us;
  }
  throw bad(`figure ${JSON.stringify(figure)} is not one of ${FIGURE_NAMES.join(', ')} nor a segment FROM-TO of hop points (e.g. CSP_OUT-CH_IN)`);
}

class Side {
  volume = 0;
  successes = 0;
  readonly values: number[] = [];

  add(row: FigureRow, value: number | undefined): void {
    this.volume++;
    if (row.outcome !== 'success') return;
    this.successes++;
    if (value !== undefined && Number.isFinite(value)) this.values.push(value);
  }
}

interface Tally {
  readonly a: Side;
  readonly b: Side;
}

/** The context filters, checked per row; the party (one) is applied by the scan itself. */
function keeps(filters: Filters): (row: FigureRow) => boolean {
  const checks = Object.entries(filters).filter(([dim]) => dim !== 'party').map(([dim, values]) => {
    const field = FILTER_FIELDS[dim as keyof typeof FILTER_FIELDS];
    if (field === undefined) throw bad(`compare does not filter by ${dim}: filter by srv instead`);
    return (row: FigureRow) => values!.includes(row.context[field] ?? '');
  });
  return (row) => checks.every((c) => c(row));
}

function scanSide(store: JourneyRecordStore, q: CompareQuery, value: string, side: 'a' | 'b', into: Map<string, Tally>, read: Extract): void {
  const single = (dim: keyof Filters) => (q.filters[dim]?.length === 1 ? q.filters[dim][0] : undefined);
  const region = single('region');
  const party = single('party');
  if (q.filters.party !== undefined && party === undefined) throw bad('compare takes one party');
  const filter: Omit<JourneyFilter, 'limit'> = {
    fromUs: q.fromMs * 1000, toUs: q.toMs * 1000, [q.dimension]: value,
    ...(single('srv') !== undefined ? { srv: single('srv') } : {}),
    ...(party !== undefined ? { party: party.toUpperCase() } : {}),
    ...(region !== undefined && (CSP_REGIONS as readonly string[]).includes(region) ? { cspRegion: region } : {}),
  };
  const keep = keeps(q.filters);
  let scanned = 0;
  for (const row of store.scanFigures(filter)) {
    if (++scanned > MAX_RECORDS_PER_SIDE) throw bad(`more than ${MAX_RECORDS_PER_SIDE} journeys with ${q.dimension} ${value} in the period: narrow the period or filter by srv or region`);
    if (!keep(row)) continue;
    const srv = row.srv ?? '';
    let t = into.get(srv);
    if (!t) into.set(srv, (t = { a: new Side(), b: new Side() }));
    t[side].add(row, read(row));
  }
}

const pctOf = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : null);

function sideFigures(value: string, s: Side, sorted: Float64Array): SideFigures {
  return {
    value, volume: s.volume, successes: s.successes, successRatePct: pctOf(s.successes, s.volume), measured: sorted.length,
    medianUs: sorted.length > 0 ? median(sorted) : null, p95Us: sorted.length > 0 ? percentile(sorted, 95) : null,
  };
}

function compareRow(q: CompareQuery, srv: string | null, t: Tally): ComparisonRow {
  const x = sortedCopy(t.a.values);
  const y = sortedCopy(t.b.values);
  const a = sideFigures(q.a, t.a, x);
  const b = sideFigures(q.b, t.b, y);
  const thinned = x.length > MAX_SHIFT_VALUES || y.length > MAX_SHIFT_VALUES;
  const shift = x.length > 0 && y.length > 0 ? hodgesLehmann(thin(x, MAX_SHIFT_VALUES), thin(y, MAX_SHIFT_VALUES)) : null;
  const rate = t.a.volume > 0 && t.b.volume > 0 ? newcombe(t.b.successes, t.b.volume, t.a.successes, t.a.volume) : null;
  const successRateDifferencePct = rate && { difference: 100 * rate.difference, lower: 100 * rate.lower, upper: 100 * rate.upper };
  return {
    srv, a, b,
    medianDifferenceUs: a.medianUs !== null && b.medianUs !== null ? b.medianUs - a.medianUs : null,
    shiftUs: shift && { estimate: shift.estimate, lower: shift.lower, upper: shift.upper, thinned },
    successRateDifferencePct,
    verdict: comparisonVerdict(q, a, b, shift),
    successVerdict: successVerdict(q, successRateDifferencePct),
  };
}

/** One row per SRV seen on either side (sorted), then the row pooled over all of them. */
export function compare(store: JourneyRecordStore, q: CompareQuery): ComparisonRow[] {
  if (q.a === q.b) throw bad(`a and b are both ${JSON.stringify(q.a)}: compare two different values`);
  const read = figureReader(q.figure);
  const bySrv = new Map<string, Tally>();
  scanSide(store, q, q.a, 'a', bySrv, read);
  scanSide(store, q, q.b, 'b', bySrv, read);
  const all: Tally = { a: new Side(), b: new Side() };
  for (const t of bySrv.values()) {
    for (const k of ['a', 'b'] as const) {
      all[k].volume += t[k].volume;
      all[k].successes += t[k].successes;
      for (const v of t[k].values) all[k].values.push(v);
    }
  }
  const rows = [...bySrv.keys()].sort().map((srv) => compareRow(q, srv, bySrv.get(srv)!));
  return [...rows, compareRow(q, null, all)];
}
