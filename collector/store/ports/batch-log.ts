// The batch log: every batch an agent sent, deduplicated on (agent, stream, seq), kept whole
// until no restart can need it (the replay after a crash reads it from the last checkpoint's
// position), and its dedupe row kept for the retention.

export interface NewBatch {
  readonly agentId: string;
  readonly streamId: number;
  readonly seq: number;
  readonly receivedAtMs: number;
  readonly hops: number;
  readonly payload: Uint8Array;
}

export interface LoggedBatch {
  readonly id: number;
  readonly agentId: string;
  readonly receivedAtMs: number;
  readonly payload: Uint8Array;
}

export interface BatchLog {
  /**
   * Appends a batch and returns its id, ids growing with each append; undefined when
   * (agent, stream, seq) is already logged (a resend), which leaves the log unchanged.
   */
  insertBatch(batch: NewBatch): number | undefined;
  /** Logged batches whose payload is still kept, from id `id` on (inclusive), in id order. */
  batchesFrom(id: number): Iterable<LoggedBatch>;
  /** The id a restart replays from, as the last checkpoint wrote it (open-journeys.ts); 1 before any checkpoint. */
  replayFromBatchId(): number;
  /**
   * Drops the payloads of batches before the replay position (no restart can need them), and
   * whole rows received before `nowMs - dedupeRetentionMs` (a resend older than that is no
   * longer recognised). Running it again with the same arguments changes nothing.
   */
  prune(nowMs: number, dedupeRetentionMs: number): void;
  /**
   * The deployment's partition count (proto/partition.ts): `proposed` is recorded when the store
   * has none yet (its first open), and the recorded one is returned either way.
   */
  partitionCount(proposed: number): number;
}
