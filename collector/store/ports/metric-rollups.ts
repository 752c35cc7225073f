// Record facts waiting to be folded, and the rollup rows they are folded into (per period, SRV
// and part). Blobs are opaque here: collector/metrics encodes and decodes them.

export interface FactBatch {
  readonly id: number;
  readonly data: Uint8Array;
}

export interface RollupRowKey {
  /** 0: UTC hour; 1: local day. */
  readonly level: number;
  readonly startMs: number;
  readonly srv: string;
}

export interface StoredRollupRow {
  readonly startMs: number;
  readonly srv: string;
  readonly data: Uint8Array;
}

/** Which rows a query reads: one part, optionally some SRVs only. */
export interface RollupRowFilter {
  readonly part: number;
  readonly srvs?: readonly string[] | undefined;
}

/** Where queries start reading hour rows: a local day's start, or 'none' when every day is compacted. */
export type OpenFrom = number | 'none';

export interface MetricRollupStore {
  /** Appends one tick's facts (`records` of them, in `data`). */
  appendFacts(records: number, data: Uint8Array): void;
  /** Every fact batch not folded yet, oldest first. */
  pendingFacts(): FactBatch[];
  /** How many facts are waiting to be folded. */
  pendingFactCount(): number;
  /** Drops these fact batches (they are folded). By id, not by range: on a store several
   *  collectors share, a batch with a lower id may commit after the fold read the others. */
  dropFacts(ids: readonly number[]): void;
  /**
   * Takes this transaction's turn to fold, or undefined when another collector's fold holds it
   * (the facts wait for the next fold). Returns the fold generation: how many folds committed,
   * so that a folder can tell whether another collector folded since it last did.
   */
  takeFoldTurn(): number | undefined;
  saveFoldGeneration(generation: number): void;

  /** The stored parts of one rollup row. */
  rowParts(key: RollupRowKey): Uint8Array[];
  saveRowPart(key: RollupRowKey, part: number, dayMs: number, records: number, data: Uint8Array): void;
  dropRowPart(key: RollupRowKey, part: number): void;
  /** Every part of the hour rows of one SRV in [fromMs, toMs). */
  hourRowsOf(srv: string, fromMs: number, toMs: number): Uint8Array[];
  /** The (level, local day, SRV) of every stored row, each once. */
  rowDays(): { level: number; dayMs: number; srv: string }[];
  saveOpenFrom(openFrom: OpenFrom): void;
  /** undefined before the first fold. */
  openFrom(): OpenFrom | undefined;

  /** Day rows whose day starts in [firstDayMs, lastDayMs]. */
  dayRows(firstDayMs: number, lastDayMs: number, filter: RollupRowFilter): Iterable<StoredRollupRow>;
  /** Hour rows in [fromMs, toMs), except those of a (day, SRV) with a day row among the days in [firstDayMs, lastDayMs]. */
  uncompactedHourRows(fromMs: number, toMs: number, firstDayMs: number, lastDayMs: number, filter: RollupRowFilter): Iterable<StoredRollupRow>;
  /** The first hour with a folded fact, or undefined. */
  firstHourMs(): number | undefined;
  /** How many rollup rows (parts) are stored, at one level or all. */
  rowCount(level?: number): number;
}
