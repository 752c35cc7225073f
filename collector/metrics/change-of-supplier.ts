// Change of Supplier success (MP122 §2.4.2 CoS1): % of 6.23 SRs that succeeded, counting a 6.23
// whose response reported a failure as a success when the gaining supplier's later SRs to the
// device succeeded (cos-tracker.ts), by device type, region or any other slice; reasons for
// the failures that remain.
import type { Dimension, GroupDims } from './dimensions.js';
import { dimensionValue } from './dimensions.js';
import { pct } from './rsvp.js';
import { periodKey, type RollupQuery, type RollupSource } from './rollup-query.js';

export interface CosRow {
  readonly period: string;
  readonly [dimension: string]: unknown;
  readonly requests: number;
  readonly reportedSuccesses: number;
  readonly reportedFailures: number;
  /** Reported failures that later SRs from the gaining supplier showed to have worked. */
  readonly rescued: number;
  readonly successes: number;
  readonly successRatePct: number | null;
  readonly reportedSuccessRatePct: number | null;
  readonly failuresByReason: Readonly<Record<string, number>>;
}

interface Acc { dims: Record<string, string | null>; requests: number; ok: number; rescued: number; reasons: Record<string, number> }

export function cosRows(source: RollupSource, q: Omit<RollupQuery, 'kind'>): CosRow[] {
  const { catalogue, groups } = source;
  const keep = (g: GroupDims) => Object.entries(q.filters).every(([dim, values]) => values!.includes(dimensionValue(g, dim as Dimension, catalogue)));
  const rows = new Map<string, Acc & { period: string }>();
  const all = groups.all();
  for (const c of source.ports.cos.requestsBetween(q.fromMs * 1000, q.toMs * 1000)) {
    const g = all.get(c.groupId);
    if (!g || !keep(g)) continue;
    const hourMs = Math.floor(c.startedUs / 3_600_000_000) * 3_600_000;
    const period = periodKey(source.calendar, q.period, hourMs);
    const dims = Object.fromEntries(q.by.map((d) => [d, dimensionValue(g, d, catalogue) || null]));
    const id = `${period}\u0002${q.by.map((d) => dims[d]).join('\u0001')}`;
    let acc = rows.get(id);
    if (!acc) rows.set(id, (acc = { period, dims, requests: 0, ok: 0, rescued: 0, reasons: {} }));
    acc.requests++;
    if (c.success) acc.ok++;
    else if (c.rescuedUs !== null) acc.rescued++;
    else acc.reasons[groups.reason(c.reasonId)] = (acc.reasons[groups.reason(c.reasonId)] ?? 0) + 1;
  }
  return [...rows.values()].sort((a, b) => a.period.localeCompare(b.period)).map((a) => ({
    period: a.period,
    ...a.dims,
    requests: a.requests,
    reportedSuccesses: a.ok,
    reportedFailures: a.requests - a.ok,
    rescued: a.rescued,
    successes: a.ok + a.rescued,
    successRatePct: pct(a.ok + a.rescued, a.requests),
    reportedSuccessRatePct: pct(a.ok, a.requests),
    failuresByReason: a.reasons,
  }));
}
