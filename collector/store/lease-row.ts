// The rows of partition_leases and collector_members as both backends read them (times in
// milliseconds under the same column names), and the records the port returns.
import { HopwatchError } from '../../common/error-codes.js';
import type { LeaseRecord, MemberRecord, PartitionLag } from './ports/partition-leases.js';

export interface LeaseRow {
  partition: number; owner: string | null; epoch: number; acquired_at_ms: number | null; renewed_at_ms: number | null; expires_at_ms: number | null;
}

export interface MemberRow { id: string; address: string; started_at_ms: number; last_seen_ms: number; lag: string }

export const memberOf = (r: MemberRow): MemberRecord => ({
  id: r.id, address: r.address, startedAtMs: r.started_at_ms, lastSeenAtMs: r.last_seen_ms, lag: JSON.parse(r.lag) as PartitionLag[],
});

export const leaseOf = (r: LeaseRow): LeaseRecord => ({
  partition: r.partition, owner: r.owner, epoch: r.epoch, acquiredAtMs: r.acquired_at_ms, renewedAtMs: r.renewed_at_ms, expiresAtMs: r.expires_at_ms,
});

/** Refuses a partition count that is not a positive integer (before any row is added). */
export function checkPartitionCount(partitionCount: number): void {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) throw new HopwatchError('HW_COLLECTOR_CONFIG', `partition count ${partitionCount} is not a positive integer`);
}

/** Refuses a lease table made for another partition count (one row per partition: `rows` of them). */
export function checkLeaseRows(rows: number, partitionCount: number): void {
  if (rows !== partitionCount) {
    throw new HopwatchError('HW_COLLECTOR_CONFIG', `the store has leases for ${rows} partitions, this collector is set for ${partitionCount}: every collector of a deployment needs the same partition count`);
  }
}
