// What sees every record the collector writes (the metric engine's rollups), in three steps
// that follow the store's transaction, so a sink's memory never runs ahead of the database.
import type { RecordWrite } from './joiner.js';

export interface RecordSink {
  /** The tick's records, inside the transaction that writes them. */
  onRecords(writes: readonly RecordWrite[], nowMs: number): void;
  /** The transaction committed: what onRecords prepared is now true. */
  committed(): void;
  /** The transaction failed and nothing of it was stored: forget what onRecords prepared. */
  rolledBack(): void;
}
