// What sees every record written (the metric engine's rollups), and how its memory follows the
// store transaction. Memory that a failed commit leaves changed counts records twice when they
// are written again, so:
//   onRecords  inside the transaction: writes rows; the memory changes it makes are pending
//              (later writes of the same transaction see them);
//   committed  after the commit: the pending changes become the state;
//   rolledBack the transaction failed: the pending changes go, memory is as before.
// Exactly one of committed/rolledBack follows each transaction in which onRecords ran
// (collector/ingest/commit-step.ts).
import type { RecordWrite } from './joiner.js';

/** Memory kept beside stored rows, following the transaction they are written in. */
export interface TransactionFollower {
  committed(): void;
  rolledBack(): void;
}

export interface RecordSink extends TransactionFollower {
  onRecords(writes: readonly RecordWrite[], nowMs: number): void;
}
