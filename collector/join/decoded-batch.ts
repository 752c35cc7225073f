// What the joiner takes in: one agent's batch, validated, as key rows and hop columns.
// Ingest's decoder (collector/ingest/batch-decoder.ts) builds it from the wire.
import type { JourneyContext } from '../../proto/hop-context.js';
import type { JoinKey } from './join-key.js';

/** A validated batch: key rows and hop columns, with absolute times. */
export interface DecodedBatch {
  readonly agentId: string;
  readonly streamId: number;
  readonly seq: number;
  /** The partition of every key (Batch.partition); -1 for a version-1 batch, which has none. */
  readonly partition: number;
  /** Correlation key per key row. */
  readonly keys: readonly JoinKey[];
  /** Context per key row; shared objects, EMPTY_CONTEXT when the agent knew nothing. */
  readonly keyContexts: readonly JourneyContext[];
  readonly hopCount: number;
  readonly hopKey: readonly number[];
  readonly hopPoint: readonly number[];
  /** Agent clock, integer microseconds since the Unix epoch. */
  readonly hopTimeUs: Float64Array;
  /** Response code per hop, or undefined. */
  readonly hopCode: readonly (string | undefined)[];
}
