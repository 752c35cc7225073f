// Alert delivery (MP122 §2.4.7 A1; MP176 Alert reporting): per alert code, the delivery time
// from the device or Communications Hub raising the alert to the User (ALERT_UG_OUT −
// ALERT_RAISED), and the % of alerts delivered within the SLA (60 s). Every alert counts in
// the volume; one never delivered is a failure and outside the SLA; a delivered one whose
// raising was not stamped has no delivery time and is not judged (`measured` says how many were).
import type { Dimension } from './dimensions.js';
import { queryRollups, type RollupQuery, type RollupSource } from './rollup-query.js';
import { dimsOf, failuresByReason, pct } from './rsvp.js';
import type { Summary } from './stats.js';

export interface AlertRow {
  readonly period: string;
  readonly alertCode: string | null;
  readonly [dimension: string]: unknown;
  readonly alerts: number;
  readonly delivered: number;
  readonly undelivered: number;
  readonly slaSeconds: number;
  readonly measured: number;
  readonly withinSla: number;
  readonly withinSlaPct: number | null;
  readonly deliveryUs: Summary;
  readonly failuresByReason: Readonly<Record<string, number>>;
}

export function alertRows(source: RollupSource, q: Omit<RollupQuery, 'kind' | 'by'> & { by: readonly Dimension[] }): AlertRow[] {
  const by: Dimension[] = ['srv', ...q.by.filter((d) => d !== 'srv')];
  const slaSeconds = source.catalogue.data.alertSla.seconds;
  return queryRollups(source, { ...q, kind: 'alert', by }).map((r) => {
    const a = r.agg;
    const { srv, ...dims } = dimsOf(r, by);
    return {
      period: r.period,
      alertCode: srv ?? null,
      ...dims,
      alerts: a.volume,
      delivered: a.successes,
      undelivered: a.volume - a.successes,
      slaSeconds,
      measured: a.target.measured,
      withinSla: a.target.within,
      withinSlaPct: pct(a.target.within, a.target.measured),
      deliveryUs: a.primary.summary(),
      failuresByReason: failuresByReason(a, source.groups),
    };
  });
}
