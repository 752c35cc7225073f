// Folds the pending record facts into the rollups (MetricRollupStore), inside the
// caller's transaction, and compacts closed days. Invariants:
// - every fact is in its UTC hour's row;
// - a (local day, SRV) is compacted once the day ended `compactAfterMs` ago: its hour rows are
//   merged into a day row; a day row exists exactly when that pair is compacted;
// - a late or amended record of a compacted pair goes into its hour row and its day row alike.
// Each touched row is read once and written once per fold, however many ticks added to it.
// Compaction works through closed pairs, oldest first, for at most `compactBudgetMs` per fold
// (at least one pair), so no ingest tick waits long for it. The store's open-from mark holds
// the first day with a pair not yet compacted ('none': every day is), so that a query reads no
// hour rows before it. The pairs known open or compacted are kept in memory and follow the
// transaction (record-sink.ts).
import type { MetricRollupStore } from '../store/ports/metric-rollups.js';
import { Aggregate, type AggregateParts } from './aggregate.js';
import { ALL_REQUESTS, type GroupRegistry } from './groups.js';
import { FACT } from './record-facts.js';
import type { TransactionFollower } from '../join/record-sink.js';
import { LEVEL, PART, type Level, type Levels } from './rollup-levels.js';
import { encodeRow, mergeRow } from './rollup-row.js';
import { createUndoJournal } from './undo-journal.js';

export interface Folder extends TransactionFollower {
  /** Folds every pending delta and compacts what is due at `nowMs`; returns the facts folded. */
  fold(nowMs: number): number;
  pendingRecords(): number;
  /** After a rolled-back transaction, or a rebuild. */
  reload(): void;
}

export interface FoldOptions {
  readonly compactAfterMs: number;
  readonly compactBudgetMs: number;
  /** Monotonic milliseconds, for the budget (injected by tests). */
  readonly clockMs?: () => number;
}

interface Row { level: Level; startMs: number; dayMs: number; srv: string; entries: Map<number, Aggregate> }

const pairKey = (dayMs: number, srv: string) => `${dayMs}\u0001${srv}`;

export function createFolder(store: MetricRollupStore, groups: GroupRegistry, levels: Levels, parts: AggregateParts, options: FoldOptions): Folder {
  const compacted = new Set<string>();
  /** (day, SRV) pairs with hour rows and no day row yet, by key. */
  const open = new Map<string, { dayMs: number; srv: string }>();
  const journal = createUndoJournal();
  /** The fold generation the pairs above were read at (undefined: not read under a turn yet). */
  let generation: number | undefined;

  const reload = () => {
    journal.commit();
    compacted.clear();
    open.clear();
    const pairs = store.rowDays();
    for (const p of pairs) if (p.level === LEVEL.DAY) compacted.add(pairKey(p.dayMs, p.srv));
    for (const p of pairs) if (p.level === LEVEL.HOUR && !compacted.has(pairKey(p.dayMs, p.srv))) open.set(pairKey(p.dayMs, p.srv), p);
  };
  reload();

  /**
   * Writes a period's entries as its two parts: the all-requests entry alone (what the per-SRV
   * table reads, without the groups' bytes) and the groups'. A part with nothing left goes.
   */
  const write = (row: Row) => {
    const all = new Map<number, Aggregate>();
    const groupsOnly = new Map<number, Aggregate>();
    for (const [id, a] of row.entries) if (!a.isEmpty) (id === ALL_REQUESTS ? all : groupsOnly).set(id, a);
    for (const [part, entries] of [[PART.ALL_REQUESTS, all], [PART.GROUPS, groupsOnly]] as const) {
      let records = 0;
      for (const a of entries.values()) records += a.volume;
      if (entries.size === 0) store.dropRowPart(row, part);
      else store.saveRowPart(row, part, row.dayMs, records, encodeRow(entries));
    }
  };

  /** Closed pairs, oldest day first, until the budget is spent (at least one). */
  const compact = (nowMs: number) => {
    const due = [...open.values()].filter((p) => levels.dayEnd(p.dayMs) + options.compactAfterMs <= nowMs).sort((a, b) => a.dayMs - b.dayMs);
    const clockMs = options.clockMs ?? (() => performance.now());
    const started = clockMs();
    for (const p of due) {
      const day: Row = { level: LEVEL.DAY, startMs: p.dayMs, dayMs: p.dayMs, srv: p.srv, entries: new Map() };
      for (const data of store.hourRowsOf(p.srv, p.dayMs, levels.dayEnd(p.dayMs))) mergeRow(data, day.entries, parts);
      write(day);
      const key = pairKey(p.dayMs, p.srv);
      open.delete(key);
      compacted.add(key);
      journal.add(() => {
        compacted.delete(key);
        open.set(key, p);
      });
      if (clockMs() - started >= options.compactBudgetMs) return;
    }
  };

  return {
    fold(nowMs) {
      // Collectors sharing a store fold one at a time; one that another's fold passed reads the
      // pairs again, since that fold may have opened or compacted some.
      const turn = store.takeFoldTurn();
      if (turn === undefined) return 0;
      if (turn !== generation) reload();
      const rows = new Map<string, Row>();
      const rowFor = (level: Level, startMs: number, dayMs: number, srv: string) => {
        const id = `${level}\u0001${startMs}\u0001${srv}`;
        let row = rows.get(id);
        if (!row) {
          const entries = new Map<number, Aggregate>();
          for (const data of store.rowParts({ level, startMs, srv })) mergeRow(data, entries, parts);
          rows.set(id, (row = { level, startMs, dayMs, srv, entries }));
        }
        return row;
      };
      const add = (row: Row, id: number, facts: Float64Array, i: number) => {
        let agg = row.entries.get(id);
        if (!agg) row.entries.set(id, (agg = new Aggregate(parts)));
        agg.addFact(facts, i);
      };
      // A request counts in its group and in the row's all-requests entry.
      const apply = (row: Row, groupId: number, request: boolean, facts: Float64Array, i: number) => {
        add(row, groupId, facts, i);
        if (request) add(row, ALL_REQUESTS, facts, i);
      };
      const ids: number[] = [];
      let folded = 0;
      for (const d of store.pendingFacts()) {
        ids.push(d.id);
        const facts = factsOf(d.data);
        for (let i = 0; i < facts.length / FACT.STRIDE; i++) {
          const hourMs = facts[i * FACT.STRIDE + FACT.HOUR]!;
          const groupId = facts[i * FACT.STRIDE + FACT.GROUP]!;
          const group = groups.group(groupId);
          const srv = group?.srv ?? '';
          const request = group?.kind === 'request';
          const dayMs = levels.dayOf(hourMs);
          apply(rowFor(LEVEL.HOUR, hourMs, dayMs, srv), groupId, request, facts, i);
          const pair = pairKey(dayMs, srv);
          if (compacted.has(pair)) apply(rowFor(LEVEL.DAY, dayMs, dayMs, srv), groupId, request, facts, i);
          else if (!open.has(pair)) {
            open.set(pair, { dayMs, srv });
            journal.add(() => open.delete(pair));
          }
          folded++;
        }
      }
      for (const row of rows.values()) write(row);
      if (ids.length > 0) store.dropFacts(ids);
      compact(nowMs);
      // Queries read hour rows only from the first day not wholly compacted.
      let openFrom = Infinity;
      for (const p of open.values()) openFrom = Math.min(openFrom, p.dayMs);
      store.saveOpenFrom(Number.isFinite(openFrom) ? openFrom : 'none');
      const before = generation;
      store.saveFoldGeneration((generation = turn + 1));
      journal.add(() => {
        generation = before;
      });
      return folded;
    },
    pendingRecords: () => store.pendingFactCount(),
    reload,
    committed: journal.commit,
    rolledBack: journal.rollBack,
  };
}

/** A fact batch as facts (copied: a stored blob need not be 8-byte aligned). */
export function factsOf(data: Uint8Array): Float64Array {
  const copy = new Float64Array(data.byteLength / 8);
  new Uint8Array(copy.buffer).set(data);
  return copy;
}
