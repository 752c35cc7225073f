// What every PartitionLeases must do, whatever keeps it: run by each implementation's test with
// a factory for a fresh store on which several members can connect. Expiry is real time here
// (short leases and short waits), since PostgreSQL's clock cannot be faked.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseLostError, type PartitionLeases } from '../../../collector/store/ports/partition-leases.js';

export interface LeaseStoreUnderTest {
  /** A port on its own connection to the shared store (SQLite: the one connection). */
  connect(partitionCount: number): PartitionLeases;
  /** Runs `fn` in a transaction of the connection `leases` was made on. */
  transaction(leases: PartitionLeases, fn: () => void): void;
  close(): void;
}

const TTL_MS = 200;
const member = (id: string) => ({ id, address: `http://${id}.test:8080` });
const partitionsOf = (holdings: readonly { partition: number }[]) => holdings.map((h) => h.partition);

export function partitionLeasesSuite(name: string, open: () => LeaseStoreUnderTest): void {
  describe(`${name} as PartitionLeases`, () => {
    let s: LeaseStoreUnderTest;
    beforeEach(() => {
      s = open();
    });
    afterEach(() => s.close());

    it('starts with one free lease per partition and refuses another partition count', () => {
      const leases = s.connect(8);
      expect(leases.snapshot().leases.map((l) => [l.partition, l.owner, l.epoch])).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((p) => [p, null, 0]));
      for (const other of [16, 4]) {
        expect(() => s.connect(other)).toThrow(expect.objectContaining({ code: 'HW_COLLECTOR_CONFIG', message: expect.stringMatching(new RegExp(`leases for 8 partitions.*set for ${other}`)) }) as Error);
      }
      expect(leases.snapshot().leases).toHaveLength(8);
    });

    it('takes the lowest free partitions, each at a new epoch, and none another member holds', () => {
      const a = s.connect(8);
      const b = s.connect(8);
      expect(a.acquire('a', 3, [], TTL_MS)).toEqual([{ partition: 0, epoch: 1 }, { partition: 1, epoch: 1 }, { partition: 2, epoch: 1 }]);
      expect(partitionsOf(b.acquire('b', 10, [], TTL_MS))).toEqual([3, 4, 5, 6, 7]);
      expect(a.acquire('a', 5, [0, 1, 2], TTL_MS)).toEqual([]);
      expect(a.snapshot().leases.map((l) => l.owner)).toEqual(['a', 'a', 'a', 'b', 'b', 'b', 'b', 'b']);
    });

    it('renews only the leases still owned at the epoch held', () => {
      const a = s.connect(4);
      const held = a.acquire('a', 2, [], TTL_MS);
      expect(a.renew(member('a'), [...held, { partition: 3, epoch: 0 }], TTL_MS, [])).toEqual(held);
      expect(a.renew(member('a'), [{ partition: 0, epoch: 7 }], TTL_MS, [])).toEqual([]);
    });

    it('lets another member take a lease its owner did not renew in time, at a higher epoch', async () => {
      const a = s.connect(2);
      const b = s.connect(2);
      const [held] = a.acquire('a', 1, [], TTL_MS);
      expect(b.acquire('b', 1, [1], TTL_MS)).toEqual([]);
      await sleep(TTL_MS + 50);
      expect(b.acquire('b', 1, [1], TTL_MS)).toEqual([{ partition: 0, epoch: held!.epoch + 1 }]);
      expect(a.renew(member('a'), [held!], TTL_MS, [])).toEqual([]);
    });

    it('keeps a lease renewed in time from every other member', async () => {
      const a = s.connect(1);
      const b = s.connect(1);
      const held = a.acquire('a', 1, [], TTL_MS);
      for (let i = 0; i < 4; i++) {
        await sleep(TTL_MS / 2);
        expect(a.renew(member('a'), held, TTL_MS, [])).toEqual(held);
        expect(b.acquire('b', 1, [], TTL_MS)).toEqual([]);
      }
    });

    it('gives a member its own unexpired lease back at a new epoch (a restart under the same id)', () => {
      const a = s.connect(1);
      const [first] = a.acquire('a', 1, [], 60_000);
      expect(s.connect(1).acquire('a', 1, [], 60_000)).toEqual([{ partition: 0, epoch: first!.epoch + 1 }]);
    });

    it('frees released leases at the epoch held only, and every lease of a member that leaves', () => {
      const a = s.connect(4);
      a.join(member('a'), 60_000);
      const held = a.acquire('a', 4, [], 60_000);
      a.release('a', [{ partition: 0, epoch: 99 }, held[1]!]);
      expect(a.snapshot().leases.map((l) => l.owner)).toEqual(['a', null, 'a', 'a']);
      a.leave('a');
      const after = a.snapshot();
      expect(after.leases.map((l) => l.owner)).toEqual([null, null, null, null]);
      expect(after.members).toEqual([]);
      expect(partitionsOf(s.connect(4).acquire('b', 4, [], 60_000))).toEqual([0, 1, 2, 3]);
    });

    it('lists the members seen within the lease, in code-point order', async () => {
      const leases = s.connect(1);
      for (const id of ['c', 'B', 'a']) leases.join(member(id), 60_000);
      expect(leases.liveMembers(TTL_MS)).toEqual(['B', 'a', 'c']);
      await sleep(TTL_MS + 50);
      leases.renew(member('a'), [], TTL_MS, []);
      expect(leases.liveMembers(TTL_MS)).toEqual(['a']);
    });

    it('forgets members not seen for longer than asked when a member joins', async () => {
      const leases = s.connect(1);
      leases.join(member('old'), 60_000);
      await sleep(TTL_MS);
      leases.join(member('new'), TTL_MS / 2);
      expect(leases.snapshot().members.map((m) => m.id)).toEqual(['new']);
    });

    it('shows members with their lag and leases with the store\'s times', () => {
      const leases = s.connect(2);
      leases.join(member('a'), 60_000);
      const held = leases.acquire('a', 1, [], 5_000);
      leases.renew(member('a'), held, 5_000, [{ partition: 0, lagMs: 12, queuedBatches: 3 }]);
      const table = leases.snapshot();
      expect(table.members).toEqual([expect.objectContaining({ id: 'a', address: 'http://a.test:8080', lag: [{ partition: 0, lagMs: 12, queuedBatches: 3 }] })]);
      const [lease, free] = table.leases;
      expect(lease).toMatchObject({ partition: 0, owner: 'a', epoch: 1 });
      expect(lease!.expiresAtMs! - lease!.renewedAtMs!).toBeCloseTo(5_000, 0);
      expect(Math.abs(lease!.acquiredAtMs! - table.nowMs)).toBeLessThan(2_000);
      expect(free).toEqual({ partition: 1, owner: null, epoch: 0, acquiredAtMs: null, renewedAtMs: null, expiresAtMs: null });
    });

    it('fences a commit: it passes while the member owns what it writes, and names what it lost', async () => {
      const a = s.connect(3);
      const b = s.connect(3);
      const held = a.acquire('a', 3, [], TTL_MS);
      s.transaction(a, () => a.assertHeld('a', held));
      await sleep(TTL_MS + 50);
      b.acquire('b', 1, [], 60_000);
      let thrown: unknown;
      s.transaction(a, () => {
        try {
          a.assertHeld('a', held);
        } catch (err) {
          thrown = err;
        }
      });
      expect(thrown).toBeInstanceOf(LeaseLostError);
      expect(thrown).toMatchObject({ code: 'HW_COLLECTOR_LEASE_LOST', partitions: [0] });
    });

    it('refuses to fence outside a transaction, where it would guard nothing', () => {
      const a = s.connect(1);
      const held = a.acquire('a', 1, [], 60_000);
      expect(() => a.assertHeld('a', held)).toThrow(/transaction/);
    });
  });
}
