// The cluster view from a lease table: leases that ran out count as unowned, members not seen
// within the ttl as not live, and every age is taken on the store's clock.
import { describe, expect, it } from 'vitest';
import { clusterState } from '../../../collector/cluster/cluster-state.js';
import type { LeaseTable } from '../../../collector/store/ports/partition-leases.js';

const NOW = 1_800_000_000_000;
const table: LeaseTable = {
  nowMs: NOW,
  members: [
    { id: 'a', address: 'http://a', startedAtMs: NOW - 60_000, lastSeenAtMs: NOW - 400, lag: [{ partition: 0, lagMs: 30, queuedBatches: 2 }] },
    { id: 'b', address: 'http://b', startedAtMs: NOW - 90_000, lastSeenAtMs: NOW - 7_000, lag: [] },
  ],
  leases: [
    { partition: 0, owner: 'a', epoch: 3, acquiredAtMs: NOW - 20_000, renewedAtMs: NOW - 400, expiresAtMs: NOW + 4_600 },
    { partition: 1, owner: 'b', epoch: 1, acquiredAtMs: NOW - 80_000, renewedAtMs: NOW - 7_000, expiresAtMs: NOW - 2_000 },
    { partition: 2, owner: null, epoch: 0, acquiredAtMs: null, renewedAtMs: null, expiresAtMs: null },
  ],
};

describe('clusterState', () => {
  const state = clusterState(table, { self: 'a', partitionCount: 3, heartbeatMs: 1_000, ttlMs: 5_000 });

  it('gives each live lease to its member with its ages on the store\'s clock', () => {
    expect(state.members[0]).toEqual({
      id: 'a', address: 'http://a', self: true, live: true, startedAt: new Date(NOW - 60_000).toISOString(), lastSeenAgoMs: 400,
      partitions: [0], leases: [{ partition: 0, epoch: 3, heldForMs: 20_000, renewedAgoMs: 400, expiresInMs: 4_600 }],
      lag: [{ partition: 0, lagMs: 30, queuedBatches: 2 }],
    });
  });

  it('counts a lease that ran out as unowned and its member, unseen for longer than the ttl, as not live', () => {
    expect(state.members[1]).toMatchObject({ id: 'b', self: false, live: false, partitions: [], leases: [] });
    expect(state.unowned).toEqual([1, 2]);
    expect(state.takeoverBoundMs).toBe(6_000);
  });
});
