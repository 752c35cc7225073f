// Prepayment top-up indicators (MP122 §2.4.4 PP1): 2.2 Top Up Device success at the first and
// the second attempt (and later ones), and the reasons for failure where failures exceed 5 %.
// Attempts are numbered per device in sequence-tags.ts.
import type { Dimension } from './dimensions.js';
import { queryRollups, type RollupQuery, type RollupSource } from './rollup-query.js';
import { dimsOf, failuresByReason, pct } from './rsvp.js';
import { TOP_UP_SRV } from './sequence-tags.js';

/** MP122 PP1: "Where failure is above 5%, provide further details on the reason for the failure". */
export const TOP_UP_REASON_THRESHOLD_PCT = 5;

export interface TopUpRow {
  readonly period: string;
  /** 1, 2 or 3+. */
  readonly attempt: string;
  readonly [dimension: string]: unknown;
  readonly attempts: number;
  readonly successes: number;
  readonly successRatePct: number | null;
  readonly failures: number;
  readonly failureRatePct: number | null;
  /** Failures by reason, given only when the failure rate exceeds 5 %. */
  readonly failureReasons: Readonly<Record<string, number>> | null;
}

export function topUpRows(source: RollupSource, q: Omit<RollupQuery, 'kind' | 'by'> & { by: readonly Dimension[] }): TopUpRow[] {
  const by: Dimension[] = ['attempt', ...q.by.filter((d) => d !== 'attempt')];
  return queryRollups(source, { ...q, kind: 'request', by, filters: { ...q.filters, srv: [TOP_UP_SRV] } }).map((r) => {
    const a = r.agg;
    const failures = a.volume - a.successes;
    const failureRatePct = pct(failures, a.volume);
    return {
      period: r.period,
      ...dimsOf(r, by),
      attempt: r.dims.attempt || '1',
      attempts: a.volume,
      successes: a.successes,
      successRatePct: pct(a.successes, a.volume),
      failures,
      failureRatePct,
      failureReasons: failureRatePct !== null && failureRatePct > TOP_UP_REASON_THRESHOLD_PCT ? failuresByReason(a, source.groups) : null,
    };
  });
}
