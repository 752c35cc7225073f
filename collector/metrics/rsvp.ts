// RSVP (MP122 §2.3.1, Table 3): per SRV or business process, per day or calendar month —
// Volume; Payload (successes, failures by reason, the share failed by a communications
// failure or timeout); Speed of the HAN-inclusive RTT and of the HAN-exclusive DCC time
// (mean, median, range, p90/p95/p99); the Measure: % of DCC times within the TRT in force on
// each request's date (SEC Appendix E as amended by SECMP0053; DP187: the DCC time, not the
// RTT, is what a TRT judges); % of RTTs within a configured RTT target (DP187); and the DSP and
// CSP shares of each DCC time against their budgets (SECMP0053 Annex C).
import type { Aggregate, Budget, Tally } from './aggregate.js';
import type { Calendar } from './calendar.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { Dimension } from './dimensions.js';
import type { GroupRegistry } from './groups.js';
import { queryRollups, type RollupQuery, type RollupRow, type RollupSource } from './rollup-query.js';
import type { Summary } from './stats.js';

export interface BudgetFigures {
  readonly budgetSeconds: number | null;
  /** Requests whose time was measured and judged against the budget. */
  readonly measured: number;
  readonly within: number;
  readonly withinPct: number | null;
  readonly meanUs: number | null;
}

export interface RsvpRow {
  readonly period: string;
  /** The `by` dimensions, each null when unknown. */
  readonly [dimension: string]: unknown;
  readonly volume: number;
  readonly successes: number;
  readonly failures: number;
  readonly successRatePct: number | null;
  /** MP122: failures due to a communications failure or timeout (E20, E21 …, failure alerts, no response). */
  readonly payloadFailures: number;
  readonly payloadFailureRatePct: number | null;
  readonly failuresByReason: Readonly<Record<string, number>>;
  readonly rttUs: Summary;
  readonly dccUs: Summary;
  /** HAN and device time (HAN_IN − HAN_OUT; SMETS1: beyond the S1SP) and Communications Hub residence outside the HAN. */
  readonly hanUs: Summary;
  readonly chResidenceUs: Summary;
  /** The TRT in force on the period's first day when the row is one SRV; each request is judged on its own date. */
  readonly trtSeconds: number | null;
  readonly withinTrtPct: number | null;
  readonly trt: BudgetFigures;
  readonly rttTarget: BudgetFigures;
  readonly successRateTargetPct: number | null;
  readonly segments: { readonly dsp: BudgetFigures; readonly csp: BudgetFigures };
}

export type RsvpQuery = Omit<RollupQuery, 'kind'>;

export const pct = (part: number, whole: number): number | null => (whole > 0 ? (100 * part) / whole : null);

/** Reasons MP122 counts as payload failures: those of codes the catalogue marks so, and no response at all. */
export function payloadFailureReasons(catalogue: Catalogue): ReadonlySet<string> {
  const reasons = new Set(['no-response']);
  for (const c of [...catalogue.data.responseCodes, ...catalogue.data.alertCodes]) if (c.payloadFailure && c.reason) reasons.add(c.reason);
  return reasons;
}

export function failuresByReason(agg: Aggregate, groups: GroupRegistry): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, n] of agg.reasons) out[groups.reason(id)] = n;
  return out;
}

function budget(t: Tally | Budget, seconds: number | null | undefined): BudgetFigures {
  const meanUs = 'n' in t && t.n > 0 ? t.sum / t.n : null;
  return { budgetSeconds: seconds ?? null, measured: t.measured, within: t.within, withinPct: pct(t.within, t.measured), meanUs };
}

/** The first local date of a row's period within the range (for the TRT and targets shown beside it). */
function firstDate(period: string, fromDate: string, calendar: Calendar): string {
  if (period === 'total') return fromDate;
  if (period.length === 7) return `${period}-01` > fromDate ? `${period}-01` : fromDate;
  return period.length === 10 ? period : calendar.localDate(Date.parse(period));
}

export function rsvpRows(source: RollupSource, q: RsvpQuery): RsvpRow[] {
  const { catalogue } = source;
  const payload = payloadFailureReasons(catalogue);
  const fromDate = source.calendar.localDate(q.fromMs);
  return queryRollups(source, { ...q, kind: 'request' }).map((row) => {
    const a = row.agg;
    const srv = row.dims.srv || undefined;
    const process = row.dims.process || undefined;
    const date = firstDate(row.period, fromDate, source.calendar);
    const trt = srv === undefined ? undefined : catalogue.trtOn(srv, date, row.dims.smets || undefined);
    const reasons = failuresByReason(a, source.groups);
    const payloadFailures = Object.entries(reasons).reduce((n, [reason, c]) => n + (payload.has(reason) ? c : 0), 0);
    const successRateTarget = srv !== undefined ? catalogue.successRateTarget({ srv }, date) : process !== undefined ? catalogue.successRateTarget({ process }, date) : undefined;
    return {
      period: row.period,
      ...dimsOf(row, q.by),
      volume: a.volume,
      successes: a.successes,
      failures: a.volume - a.successes,
      successRatePct: pct(a.successes, a.volume),
      payloadFailures,
      payloadFailureRatePct: pct(payloadFailures, a.volume),
      failuresByReason: reasons,
      rttUs: a.primary.summary(),
      dccUs: a.dcc.summary(),
      hanUs: a.han.summary(),
      chResidenceUs: a.ch.summary(),
      trtSeconds: trt?.seconds ?? null,
      withinTrtPct: pct(a.trt.within, a.trt.measured),
      trt: budget(a.trt, trt?.seconds),
      rttTarget: budget(a.target, srv === undefined ? undefined : catalogue.rttTargetOn(srv, date, row.dims.smets || undefined)),
      successRateTargetPct: successRateTarget ?? null,
      segments: { dsp: budget(a.dsp, trt?.dspSeconds), csp: budget(a.csp, trt?.cspSeconds) },
    };
  });
}

/** The `by` dimensions of a row as fields, null for unknown. */
export function dimsOf(row: RollupRow, by: readonly Dimension[]): Record<string, string | null> {
  return Object.fromEntries(by.map((d) => [d, row.dims[d] || null]));
}
