// The batch log: every batch an agent sent, deduplicated on (agent, stream, seq), kept whole
// until no restart can need it (the replay after a crash reads it from the last checkpoint's
// position), and its dedupe row kept for the retention.

export interface NewBatch {
  readonly agentId: string;
  readonly streamId: number;
  readonly seq: number;
  /** The partition of the batch's keys (proto/partition.ts); -1 for a version-1 batch, which has none. */
  readonly partition: number;
  readonly receivedAtMs: number;
  readonly hops: number;
  readonly payload: Uint8Array;
}

export interface LoggedBatch {
  readonly id: number;
  readonly agentId: string;
  /** As logged (NewBatch.partition). */
  readonly partition: number;
  readonly receivedAtMs: number;
  readonly payload: Uint8Array;
}

export interface BatchLog {
  /**
   * Appends a batch and returns its id, ids growing with each append; undefined when
   * (agent, stream, seq) is already logged (a resend), which leaves the log unchanged.
   */
  insertBatch(batch: NewBatch): number | undefined;
  /**
   * Logged batches whose payload is still kept, from id `id` on (inclusive), in id order; with
   * `partitions`, only those of these partitions (-1 names the batches of wire version 1).
   */
  batchesFrom(id: number, partitions?: readonly number[]): Iterable<LoggedBatch>;
  /**
   * The lowest replay position of any partition (replayPositions): a restart of a collector that
   * holds every partition replays from it. 1 before any checkpoint.
   */
  replayFromBatchId(): number;
  /**
   * Where each of these partitions replays from when a collector takes it (after a restart or
   * from another collector), as the last checkpoint that held it wrote (open-journeys.ts). A
   * partition no checkpoint has written replays from the store's one position from before
   * partitions, or 1.
   */
  replayPositions(partitions: readonly number[]): ReadonlyMap<number, number>;
  /**
   * Drops the payloads of batches before the lowest replay position (no restart or handover can
   * need them), and
   * whole rows received before `nowMs - dedupeRetentionMs` (a resend older than that is no
   * longer recognised). Running it again with the same arguments changes nothing.
   */
  prune(nowMs: number, dedupeRetentionMs: number): void;
  /**
   * The deployment's partition count (proto/partition.ts): `proposed` is recorded when the store
   * has none yet (its first open), and the recorded one is returned either way. Open journeys
   * checkpointed before partitions are given theirs by it.
   */
  partitionCount(proposed: number): number;
}
