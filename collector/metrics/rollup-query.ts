// Reads rollup rows (and the facts not folded yet) into report rows: one aggregate per period
// and combination of the `by` dimensions, over the groups the filters keep. Never reads the
// journeys table. With exact values kept (metrics.exactValues) percentiles are
// selected from every value; without, they come from the merged sketches (1 % relative error).
import type { MetricPorts } from '../store/ports/metric-ports.js';
import type { StoredRollupRow } from '../store/ports/metric-rollups.js';
import { Aggregate, type AggregateParts } from './aggregate.js';
import type { Calendar } from './calendar.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import { dimensionValue, type Dimension, type GroupDims, type RecordKind } from './dimensions.js';
import { factsOf } from './fold.js';
import { ALL_REQUESTS, type GroupRegistry } from './groups.js';
import { FACT } from './record-facts.js';
import { PART, type Levels } from './rollup-levels.js';
import { decodeRow } from './rollup-row.js';

const HOUR_MS = 3_600_000;

export type Period = 'hour' | 'day' | 'month' | 'total';
export type Precision = 'exact' | 'sketch';
export type Filters = Partial<Record<Dimension, readonly string[]>>;

export interface RollupQuery {
  readonly kind: RecordKind;
  /** UTC ms, whole hours; to is exclusive. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly period: Period;
  readonly by: readonly Dimension[];
  readonly filters: Filters;
}

export interface RollupRow {
  /** Local date, month, UTC hour (ISO) or 'total'. */
  readonly period: string;
  /** The `by` dimensions' values ('' when unknown). */
  readonly dims: Readonly<Partial<Record<Dimension, string>>>;
  readonly agg: Aggregate;
}

export interface RollupSource {
  readonly ports: MetricPorts;
  readonly groups: GroupRegistry;
  readonly catalogue: Catalogue;
  readonly calendar: Calendar;
  readonly levels: Levels;
  /** Whether rollups keep every value (metrics.exactValues); without them, percentiles come from sketches. */
  readonly exactValues: boolean;
}

export function periodKey(calendar: Calendar, period: Period, hourMs: number): string {
  if (period === 'hour') return new Date(hourMs).toISOString().slice(0, 13) + ':00Z';
  if (period === 'total') return 'total';
  const date = calendar.localDate(hourMs);
  return period === 'day' ? date : date.slice(0, 7);
}

/** Rollups keep the sorted values (exact percentiles) or, when exactValues is off, sketches only. */
export function partsFor(exactValues: boolean): AggregateParts {
  return { values: exactValues, sketch: !exactValues };
}

export function precisionOf(source: { readonly exactValues: boolean }): Precision {
  return source.exactValues ? 'exact' : 'sketch';
}

/** Reads in one transaction, so that a report taken while the collector writes sees one state. */
export function queryRollups(source: RollupSource, q: RollupQuery): RollupRow[] {
  return source.ports.readConsistently(() => readRollups(source, q));
}

function readRollups(source: RollupSource, q: RollupQuery): RollupRow[] {
  const parts = partsFor(source.exactValues);
  const periods = new Map<string, (Aggregate | undefined)[]>();
  const periodOf = new Map<number, string>();
  const aggsFor = (hourMs: number): (Aggregate | undefined)[] => {
    let period = periodOf.get(hourMs);
    if (period === undefined) periodOf.set(hourMs, (period = periodKey(source.calendar, q.period, hourMs)));
    let aggs = periods.get(period);
    if (!aggs) periods.set(period, (aggs = []));
    return aggs;
  };
  const plan = perSrvOnly(q) ? allRequestsPlan(source, q) : groupPlan(source, q);
  const aggOf = (aggs: (Aggregate | undefined)[], t: number): Aggregate | undefined => (t < 0 ? undefined : (aggs[t] ??= new Aggregate(parts)));

  for (const row of coveringRows(source, q, plan.part)) {
    const aggs = aggsFor(row.startMs);
    decodeRow(row.data, (groupId) => aggOf(aggs, plan.targetOfEntry(groupId, row.srv)));
  }
  for (const { data } of source.ports.rollups.pendingFacts()) {
    const facts = factsOf(data);
    for (let i = 0; i < facts.length / FACT.STRIDE; i++) {
      const hourMs = facts[i * FACT.STRIDE + FACT.HOUR]!;
      if (hourMs < q.fromMs || hourMs >= q.toMs) continue;
      aggOf(aggsFor(hourMs), plan.targetOfGroup(facts[i * FACT.STRIDE + FACT.GROUP]!))?.addFact(facts, i);
    }
  }
  const out: RollupRow[] = [];
  for (const [period, aggs] of periods) {
    aggs.forEach((agg, t) => {
      if (agg && !agg.isEmpty) out.push({ period, dims: plan.targets[t]!, agg });
    });
  }
  const order = (r: RollupRow) => q.by.map((d) => r.dims[d] ?? '');
  return out.sort((a, b) => a.period.localeCompare(b.period) || compareDims(order(a), order(b)));
}

/** Which output row (target) a stored entry or a pending fact goes to; -1 when filtered out. */
interface Plan {
  readonly targets: Partial<Record<Dimension, string>>[];
  targetOfEntry(groupId: number, srv: string): number;
  targetOfGroup(groupId: number): number;
  /** Which part of the rows to read. */
  readonly part: number;
}

/** RSVP per SRV or in total, filtered by SRV at most: the rows' all-requests entries answer it. */
function perSrvOnly(q: RollupQuery): boolean {
  return q.kind === 'request' && q.by.every((d) => d === 'srv') && Object.keys(q.filters).every((d) => d === 'srv');
}

function allRequestsPlan(source: RollupSource, q: RollupQuery): Plan {
  const targets: Partial<Record<Dimension, string>>[] = [];
  const bySrv = new Map<string, number>();
  const targetOfSrv = (srv: string) => {
    if (q.filters.srv && !q.filters.srv.includes(srv)) return -1;
    const key = q.by.length === 0 ? '' : srv;
    let t = bySrv.get(key);
    if (t === undefined) {
      t = targets.push(q.by.length === 0 ? {} : { srv }) - 1;
      bySrv.set(key, t);
    }
    return t;
  };
  const kinds = source.groups.column('kind');
  const srvs = source.groups.column('srv');
  return {
    targets,
    targetOfEntry: (groupId, srv) => (groupId === ALL_REQUESTS ? targetOfSrv(srv) : -1),
    targetOfGroup: (groupId) => (kinds[groupId] === 'request' ? targetOfSrv(srvs[groupId]!) : -1),
    part: PART.ALL_REQUESTS,
  };
}

/** Any other query: each group's output row index, so that an entry finds its aggregate with two array reads. */
function groupPlan(source: RollupSource, q: RollupQuery): Plan {
  const kinds = source.groups.column('kind');
  const valueOf = dimensionColumns(source, kinds.length);
  const filters = Object.entries(q.filters).map(([d, values]) => [valueOf(d as Dimension), new Set(values)] as const);
  const by = q.by.map(valueOf);
  const targetOf = new Int32Array(kinds.length).fill(-1);
  const targets: Partial<Record<Dimension, string>>[] = [];
  const targetIds = new Map<string, number>();
  for (let id = 1; id < kinds.length; id++) {
    if (kinds[id] !== q.kind || !filters.every(([value, values]) => values.has(value(id)))) continue;
    const key = by.length === 1 ? by[0]!(id) : by.map((value) => value(id)).join('\u0001');
    let t = targetIds.get(key);
    if (t === undefined) {
      t = targets.push(Object.fromEntries(q.by.map((d, i) => [d, by[i]!(id)]))) - 1;
      targetIds.set(key, t);
    }
    targetOf[id] = t;
  }
  const targetOfGroup = (groupId: number) => (groupId > 0 && groupId < targetOf.length ? targetOf[groupId]! : -1);
  return { targets, targetOfEntry: targetOfGroup, targetOfGroup, part: PART.GROUPS };
}

/**
 * The rollup rows covering [fromMs, toMs): for every local day wholly inside the range, its
 * day rows (unless the query is per hour); every hour row in the range whose (day, SRV) has
 * no day row read. Each fact is in exactly one of the rows read.
 */
function* coveringRows(source: RollupSource, q: RollupQuery, part: number): Iterable<StoredRollupRow> {
  const { levels } = source;
  const { rollups } = source.ports;
  // Local days wholly inside the range: [firstDay, lastDay] by their starts (none for hourly queries).
  let firstDay = levels.dayOf(Math.floor(q.fromMs / HOUR_MS) * HOUR_MS);
  if (firstDay < q.fromMs) firstDay = levels.dayEnd(firstDay);
  let lastDay = firstDay - 1;
  if (q.period !== 'hour') for (let d = firstDay; levels.dayEnd(d) <= q.toMs; d = levels.dayEnd(d)) lastDay = d;
  const filter = { part, srvs: q.filters.srv };
  const hourRows = (fromMs: number, toMs: number) => (fromMs < toMs ? rollups.uncompactedHourRows(fromMs, toMs, firstDay, lastDay, filter) : []);
  if (lastDay < firstDay) {
    yield* hourRows(q.fromMs, q.toMs);
    return;
  }
  yield* rollups.dayRows(firstDay, lastDay, filter);
  yield* hourRows(q.fromMs, firstDay);
  // Before the first day with a pair not compacted, every whole day is in day rows: its hour rows are not read.
  const openFrom = rollups.openFrom();
  const open = openFrom === undefined ? -Infinity : openFrom === 'none' ? Infinity : openFrom;
  yield* hourRows(Math.max(firstDay, Math.min(open, levels.dayEnd(lastDay))), q.toMs);
}

/** The first hour any record started in (folded or pending), or undefined when there is none. */
export function earliestHour(source: RollupSource): number | undefined {
  let first = source.ports.rollups.firstHourMs() ?? Infinity;
  for (const { data } of source.ports.rollups.pendingFacts()) {
    const facts = factsOf(data);
    for (let i = 0; i < facts.length; i += FACT.STRIDE) first = Math.min(first, facts[i + FACT.HOUR]!);
  }
  return Number.isFinite(first) ? first : undefined;
}

/** Each dimension's value by group id, from the group fields it is computed from (loaded once per query). */
function dimensionColumns(source: RollupSource, count: number): (d: Dimension) => (id: number) => string {
  return (d) => {
    if (d === 'process' || d === 'attempt' || d === 'attribution') {
      const srv = source.groups.column('srv');
      const tag = source.groups.column('tag');
      const kind = source.groups.column('kind');
      const values = Array.from({ length: count }, (_, id) => (id === 0 ? '' : dimensionValue({ srv: srv[id], tag: tag[id], kind: kind[id] } as GroupDims, d, source.catalogue)));
      return (id) => values[id]!;
    }
    const column = source.groups.column(d);
    return (id) => column[id]!;
  };
}

const collator = new Intl.Collator('en', { numeric: true });

function compareDims(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = collator.compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}
