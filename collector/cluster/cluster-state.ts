// What GET /api/v1/cluster shows: every member with the partitions it holds, their lease ages and
// lags, read from the shared store so that any collector answers for all of them. Ages are
// differences of the store's own times, so they do not depend on this collector's clock.
import type { LeaseTable, PartitionLag } from '../store/ports/partition-leases.js';

export interface ClusterLease {
  readonly partition: number;
  readonly epoch: number;
  /** Since this owner took it. */
  readonly heldForMs: number;
  readonly renewedAgoMs: number;
  /** Negative: run out, waiting for a taker. */
  readonly expiresInMs: number;
}

export interface ClusterMember {
  readonly id: string;
  readonly address: string;
  /** The collector answering. */
  readonly self: boolean;
  /** Seen within the lease ttl. */
  readonly live: boolean;
  readonly startedAt: string;
  readonly lastSeenAgoMs: number;
  readonly partitions: readonly number[];
  readonly leases: readonly ClusterLease[];
  /** As the member reported it with its last renewal. */
  readonly lag: readonly PartitionLag[];
}

export interface ClusterState {
  readonly self: string;
  readonly partitionCount: number;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
  readonly takeoverBoundMs: number;
  readonly members: readonly ClusterMember[];
  /** Partitions no member holds a live lease on: free, or run out and not taken yet. */
  readonly unowned: readonly number[];
}

export interface ClusterSettings {
  readonly self: string;
  readonly partitionCount: number;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
}

export function clusterState(table: LeaseTable, settings: ClusterSettings): ClusterState {
  const t = table.nowMs;
  const live = (l: LeaseTable['leases'][number]) => l.owner !== null && l.expiresAtMs !== null && l.expiresAtMs > t;
  const members = table.members.map((m): ClusterMember => {
    const leases = table.leases.filter((l) => l.owner === m.id && live(l));
    return {
      id: m.id,
      address: m.address,
      self: m.id === settings.self,
      live: m.lastSeenAtMs > t - settings.ttlMs,
      startedAt: new Date(m.startedAtMs).toISOString(),
      lastSeenAgoMs: Math.round(t - m.lastSeenAtMs),
      partitions: leases.map((l) => l.partition),
      leases: leases.map((l) => ({
        partition: l.partition,
        epoch: l.epoch,
        heldForMs: Math.round(t - (l.acquiredAtMs ?? t)),
        renewedAgoMs: Math.round(t - (l.renewedAtMs ?? t)),
        expiresInMs: Math.round((l.expiresAtMs ?? t) - t),
      })),
      lag: m.lag,
    };
  });
  return {
    self: settings.self,
    partitionCount: settings.partitionCount,
    heartbeatMs: settings.heartbeatMs,
    ttlMs: settings.ttlMs,
    takeoverBoundMs: settings.ttlMs + settings.heartbeatMs,
    members,
    unowned: table.leases.filter((l) => !live(l)).map((l) => l.partition),
  };
}
