// How SRs of the SRVs several business processes share were attributed (MP122 §3.2.1: there
// is no certain way to bucket 1.1.1; the rule is in the catalogue's "attribution"), per SRV
// and rule: after 8.1.1 → Install and Commission, after 6.23 → Change of Supplier, the SRV's
// default process, or unattributed.
import { queryRollups, type RollupQuery, type RollupSource } from './rollup-query.js';

export interface AttributionRow {
  readonly period: string;
  readonly srv: string;
  /** Rule id (after-8.1.1, after-6.23 …), 'default' or 'none'. */
  readonly rule: string;
  readonly process: string | null;
  readonly requests: number;
  readonly sharePct: number;
}

export function attributionRows(source: RollupSource, q: Pick<RollupQuery, 'fromMs' | 'toMs' | 'period' | 'filters'>): AttributionRow[] {
  const { catalogue } = source;
  const shared = catalogue.data.srvs.map((s) => s.srv).filter((srv) => catalogue.isShared(srv));
  const srvs = q.filters.srv ? shared.filter((srv) => q.filters.srv!.includes(srv)) : shared;
  const rows = queryRollups(source, { ...q, kind: 'request', by: ['srv', 'attribution'], filters: { ...q.filters, srv: srvs } });
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(`${r.period}|${r.dims.srv}`, (totals.get(`${r.period}|${r.dims.srv}`) ?? 0) + r.agg.volume);
  return rows.map((r) => {
    const srv = r.dims.srv!;
    const rule = r.dims.attribution || 'none';
    const process = rule === 'default'
      ? catalogue.data.attribution.defaults.find((d) => d.srv === srv)?.process
      : catalogue.data.attribution.rules.find((x) => x.id === rule)?.process;
    return { period: r.period, srv, rule, process: process ?? null, requests: r.agg.volume, sharePct: (100 * r.agg.volume) / totals.get(`${r.period}|${srv}`)! };
  });
}
