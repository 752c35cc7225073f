// Folds the pending record facts (metric_deltas) into the rollups (metric_rollups), inside the
// caller's transaction, and compacts closed days. Invariants:
// - every fact is in its UTC hour's row;
// - a (local day, SRV) is compacted once the day ended `compactAfterMs` ago: its hour rows are
//   merged into a day row; a day row exists exactly when that pair is compacted;
// - a late or amended record of a compacted pair goes into its hour row and its day row alike.
// Each touched row is read once and written once per fold, however many ticks added to it.
// Compaction works through closed pairs, oldest first, for at most `compactBudgetMs` per fold
// (at least one pair), so no ingest tick waits long for it. metric_state 'open_from' holds the
// first day with a pair not yet compacted ('none': every day is), so that a query reads no
// hour rows before it.
import type Database from 'better-sqlite3';
import { Aggregate, type AggregateParts } from './aggregate.js';
import { ALL_REQUESTS, type GroupRegistry } from './groups.js';
import { FACT } from './record-facts.js';
import { LEVEL, PART, type Level, type Levels } from './rollup-levels.js';
import { encodeRow, mergeRow } from './rollup-row.js';

export interface Folder {
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

export function createFolder(db: Database.Database, groups: GroupRegistry, levels: Levels, parts: AggregateParts, options: FoldOptions): Folder {
  const s = {
    deltas: db.prepare('SELECT id, data FROM metric_deltas ORDER BY id'),
    pending: db.prepare('SELECT coalesce(sum(records), 0) FROM metric_deltas').pluck(),
    dropDeltas: db.prepare('DELETE FROM metric_deltas WHERE id <= ?'),
    parts: db.prepare('SELECT data FROM metric_rollups WHERE level = ? AND start_ms = ? AND srv = ?').pluck(),
    upsertRow: db.prepare(`INSERT INTO metric_rollups (level, start_ms, srv, part, day_ms, records, data) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (level, start_ms, srv, part) DO UPDATE SET records = excluded.records, data = excluded.data`),
    dropRow: db.prepare('DELETE FROM metric_rollups WHERE level = ? AND start_ms = ? AND srv = ? AND part = ?'),
    // By hour range, so that the primary key (level, start_ms, …) finds the rows.
    hoursOf: db.prepare('SELECT data FROM metric_rollups WHERE level = 0 AND start_ms >= ? AND start_ms < ? AND srv = ?').pluck(),
    pairs: db.prepare('SELECT DISTINCT level, day_ms AS dayMs, srv FROM metric_rollups'),
    setOpenFrom: db.prepare("INSERT INTO metric_state (name, value) VALUES ('open_from', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
  };
  const compacted = new Set<string>();
  /** (day, SRV) pairs with hour rows and no day row yet, by key. */
  const open = new Map<string, { dayMs: number; srv: string }>();

  const reload = () => {
    compacted.clear();
    open.clear();
    const pairs = s.pairs.all() as { level: number; dayMs: number; srv: string }[];
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
      if (entries.size === 0) s.dropRow.run(row.level, row.startMs, row.srv, part);
      else s.upsertRow.run(row.level, row.startMs, row.srv, part, row.dayMs, records, encodeRow(entries));
    }
  };

  /** Closed pairs, oldest day first, until the budget is spent (at least one). */
  const compact = (nowMs: number) => {
    const due = [...open.values()].filter((p) => levels.dayEnd(p.dayMs) + options.compactAfterMs <= nowMs).sort((a, b) => a.dayMs - b.dayMs);
    const clockMs = options.clockMs ?? (() => performance.now());
    const started = clockMs();
    for (const p of due) {
      const day: Row = { level: LEVEL.DAY, startMs: p.dayMs, dayMs: p.dayMs, srv: p.srv, entries: new Map() };
      for (const data of s.hoursOf.all(p.dayMs, levels.dayEnd(p.dayMs), p.srv) as Buffer[]) mergeRow(data, day.entries, parts);
      write(day);
      open.delete(pairKey(p.dayMs, p.srv));
      compacted.add(pairKey(p.dayMs, p.srv));
      if (clockMs() - started >= options.compactBudgetMs) return;
    }
  };

  return {
    fold(nowMs) {
      const rows = new Map<string, Row>();
      const rowFor = (level: Level, startMs: number, dayMs: number, srv: string) => {
        const id = `${level}\u0001${startMs}\u0001${srv}`;
        let row = rows.get(id);
        if (!row) {
          const entries = new Map<number, Aggregate>();
          for (const data of s.parts.all(level, startMs, srv) as Buffer[]) mergeRow(data, entries, parts);
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
      let maxId = 0;
      let folded = 0;
      for (const d of s.deltas.all() as { id: number; data: Buffer }[]) {
        maxId = d.id;
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
          else if (!open.has(pair)) open.set(pair, { dayMs, srv });
          folded++;
        }
      }
      for (const row of rows.values()) write(row);
      if (maxId > 0) s.dropDeltas.run(maxId);
      compact(nowMs);
      // Queries read hour rows only from the first day not wholly compacted.
      let openFrom = Infinity;
      for (const p of open.values()) openFrom = Math.min(openFrom, p.dayMs);
      s.setOpenFrom.run(Number.isFinite(openFrom) ? String(openFrom) : 'none');
      return folded;
    },
    pendingRecords: () => s.pending.get() as number,
    reload,
  };
}

/** A delta blob as facts (copied: SQLite's buffer need not be 8-byte aligned). */
export function factsOf(data: Uint8Array): Float64Array {
  const copy = new Float64Array(data.byteLength / 8);
  new Uint8Array(copy.buffer).set(data);
  return copy;
}
