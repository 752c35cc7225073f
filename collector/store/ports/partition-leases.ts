// Who owns which partition of the journeys, as leases in the shared store (README "Running
// several collectors"). A lease is held until it expires, unless its owner renews it; every
// acquisition raises the partition's epoch, so that a commit can prove, in its own transaction,
// that its writer still owns what it writes (assertHeld). Times are the store's own clock
// (PostgreSQL's now()), so the collectors' clocks need not agree.
import { HopwatchError } from '../../../common/error-codes.js';

/** A partition as held: its epoch says which acquisition it was. */
export interface LeaseHolding {
  readonly partition: number;
  readonly epoch: number;
}

export interface MemberInfo {
  /** Unique per running collector; a restart under the same id takes its own leases back at once. */
  readonly id: string;
  /** Where its HTTP API answers (shown by /api/v1/cluster). */
  readonly address: string;
}

/** How far behind a held partition is, as its collector reports it with every renewal. */
export interface PartitionLag {
  readonly partition: number;
  /** Now minus the receipt of the oldest batch of the partition not committed yet; 0 when caught up. */
  readonly lagMs: number;
  /** Batches of the partition received and not committed yet. */
  readonly queuedBatches: number;
}

export interface MemberRecord extends MemberInfo {
  readonly startedAtMs: number;
  readonly lastSeenAtMs: number;
  readonly lag: readonly PartitionLag[];
}

export interface LeaseRecord {
  readonly partition: number;
  /** null: free (never taken, released, or its owner left). */
  readonly owner: string | null;
  readonly epoch: number;
  readonly acquiredAtMs: number | null;
  readonly renewedAtMs: number | null;
  readonly expiresAtMs: number | null;
}

/** Every member and lease, with the store's time when the reading began (ages are measured from it). */
export interface LeaseTable {
  readonly nowMs: number;
  readonly members: readonly MemberRecord[];
  readonly leases: readonly LeaseRecord[];
}

export interface PartitionLeases {
  /** Partitions 0 … partitionCount - 1: one lease row each. */
  readonly partitionCount: number;
  /**
   * Adds the member (or starts it again): started now, seen now. Members not seen for
   * forgetAfterMs go from the list (until then the cluster view shows them as not live).
   */
  join(member: MemberInfo, forgetAfterMs: number): void;
  /**
   * Marks the member seen, records its lag, and extends by ttlMs those of `held` it still owns
   * at the same epoch; returns those. One missing from the answer was taken by another member.
   */
  renew(member: MemberInfo, held: readonly LeaseHolding[], ttlMs: number, lag: readonly PartitionLag[]): LeaseHolding[];
  /** Ids of the members seen within ttlMs, in code-point order. */
  liveMembers(ttlMs: number): string[];
  /**
   * Takes up to `count` partitions that are free, expired, or the member's own but not in
   * `exclude`, lowest first, for ttlMs; each gets a new epoch. A partition whose lease a commit
   * is checking right now is passed over (taken at a later try), never waited for.
   */
  acquire(memberId: string, count: number, exclude: readonly number[], ttlMs: number): LeaseHolding[];
  /** Frees those of `holdings` the member still owns at that epoch. */
  release(memberId: string, holdings: readonly LeaseHolding[]): void;
  /** Frees every lease of the member and removes it from the members. */
  leave(memberId: string): void;
  snapshot(): LeaseTable;
  /**
   * Fencing, inside the transaction of a commit, on the connection that commits: throws
   * LeaseLostError unless the member owns every one of `holdings` at its epoch. On PostgreSQL the
   * rows stay share-locked until the commit ends, so no takeover lands between check and commit.
   */
  assertHeld(memberId: string, holdings: readonly LeaseHolding[]): void;
}

/** A commit for partitions its collector no longer owns: nothing of it is written. */
export class LeaseLostError extends HopwatchError {
  constructor(readonly partitions: readonly number[], detail: string) {
    super('HW_COLLECTOR_LEASE_LOST', `lease lost for partition${partitions.length === 1 ? '' : 's'} ${partitions.join(', ')}: ${detail}`);
    this.name = 'LeaseLostError';
  }
}

/** Those of `wanted` that are not among `found` (by partition). */
export function missingPartitions(wanted: readonly LeaseHolding[], found: readonly { partition: number }[]): number[] {
  const present = new Set(found.map((f) => f.partition));
  return wanted.filter((w) => !present.has(w.partition)).map((w) => w.partition);
}
