// Install and Commission indicators (MP122 §2.4.1 IC1; MP176 Table 1): per local day, Install
// and Commission (8.14.1) versus Install and Leave (8.14.2), and installs (successful 8.14.1 and
// 8.14.2) against a prediction from history. The prediction is the mean of the installs on
// the same weekday of the previous `installPredictionWeeks` weeks, counting only weeks from the
// first day hopwatch holds any record (after it, a day without installs had none); a stated
// rule: MP122 asks for a prediction "based on historic installation volumes".
import { earliestHour, queryRollups, type Filters, type RollupSource } from './rollup-query.js';

export const INSTALL_COMMISSION_SRV = '8.14.1';
export const INSTALL_LEAVE_SRV = '8.14.2';

export interface InstallRow {
  readonly date: string;
  readonly installCommission: number;
  readonly installCommissionSuccesses: number;
  readonly installLeave: number;
  readonly installLeaveSuccesses: number;
  readonly installs: number;
  readonly predictedInstalls: number | null;
  readonly deviationPct: number | null;
}

const DAY_MS = 86_400_000;
const shiftDate = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** One row per local day that starts in [fromMs, toMs). */
export function installRows(source: RollupSource, q: { fromMs: number; toMs: number; filters: Filters }, predictionWeeks: number): InstallRow[] {
  const { calendar } = source;
  const fromDate = calendar.localDate(q.fromMs);
  const rows = queryRollups(source, {
    kind: 'request', fromMs: calendar.startOfDay(shiftDate(fromDate, -7 * predictionWeeks)), toMs: q.toMs, period: 'day', by: ['srv'],
    filters: { ...q.filters, srv: [INSTALL_COMMISSION_SRV, INSTALL_LEAVE_SRV] },
  });
  const byDay = new Map<string, { ic: number; icOk: number; il: number; ilOk: number }>();
  for (const r of rows) {
    let d = byDay.get(r.period);
    if (!d) byDay.set(r.period, (d = { ic: 0, icOk: 0, il: 0, ilOk: 0 }));
    if (r.dims.srv === INSTALL_COMMISSION_SRV) [d.ic, d.icOk] = [r.agg.volume, r.agg.successes];
    else [d.il, d.ilOk] = [r.agg.volume, r.agg.successes];
  }
  const firstDay = firstDataDay(source);
  const installsOn = (date: string) => {
    const d = byDay.get(date);
    return d ? d.icOk + d.ilOk : 0;
  };
  const out: InstallRow[] = [];
  for (let date = fromDate; calendar.startOfDay(date) < q.toMs; date = shiftDate(date, 1)) {
    const d = byDay.get(date) ?? { ic: 0, icOk: 0, il: 0, ilOk: 0 };
    const history = [...Array(predictionWeeks).keys()].map((k) => shiftDate(date, -7 * (k + 1))).filter((h) => firstDay !== undefined && h >= firstDay);
    const predicted = history.length > 0 ? history.reduce((n, h) => n + installsOn(h), 0) / history.length : null;
    const installs = d.icOk + d.ilOk;
    out.push({
      date, installCommission: d.ic, installCommissionSuccesses: d.icOk, installLeave: d.il, installLeaveSuccesses: d.ilOk, installs,
      predictedInstalls: predicted, deviationPct: predicted ? (100 * (installs - predicted)) / predicted : null,
    });
  }
  return out;
}

/** The first local day with any record: days before it have no history, not zero installs. */
function firstDataDay(source: RollupSource): string | undefined {
  const first = earliestHour(source);
  return first === undefined ? undefined : source.calendar.localDate(first);
}
