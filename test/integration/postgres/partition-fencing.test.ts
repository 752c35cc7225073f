// Fencing on a real PostgreSQL: a collector whose lease was taken over cannot commit, even when
// its own clock (paused with it) says it still holds the lease; and a commit under way holds a
// takeover back until it has committed, instead of the two interleaving.
import sinon from 'sinon';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/logger.js';
import { createLeaseKeeper } from '../../../collector/cluster/lease-keeper.js';
import { createPostgresPartitionLeases } from '../../../collector/store/postgres/partition-leases.js';
import { openPostgresStore, type PostgresStore } from '../../../collector/store/postgres/postgres-store.js';
import { LeaseLostError, type LeaseHolding } from '../../../collector/store/ports/partition-leases.js';
import { useTestPostgres } from '../../helpers/postgres.js';

const postgres = useTestPostgres();
const opened: PostgresStore[] = [];
afterEach(() => {
  sinon.restore();
  for (const store of opened.splice(0)) store.close();
});

/** Two collectors' connections to one fresh database, with a table their commits write to. */
function twoCollectors(partitionCount: number) {
  const url = postgres.freshDatabase();
  const [a, b] = [openPostgresStore({ url }), openPostgresStore({ url })];
  opened.push(a, b);
  a.db.query('CREATE TABLE fenced_writes (id bigint GENERATED ALWAYS AS IDENTITY, partition integer NOT NULL, writer text NOT NULL, epoch bigint NOT NULL)');
  return { a, b, leasesA: createPostgresPartitionLeases(a.db, partitionCount), leasesB: createPostgresPartitionLeases(b.db, partitionCount) };
}

const write = (store: PostgresStore, writer: string, h: LeaseHolding) =>
  store.db.query('INSERT INTO fenced_writes (partition, writer, epoch) VALUES ($1, $2, $3)', [h.partition, writer, h.epoch]);
const writes = (store: PostgresStore) => store.db.query<{ partition: number; writer: string; epoch: number }>('SELECT partition, writer, epoch FROM fenced_writes ORDER BY id');
/** Waits without letting any timer of the process run: a paused process. */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const caught = (fn: () => void): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

describe('Partition fencing on PostgreSQL', () => {
  it('refuses the commit of an owner paused past its lease once another collector has taken it over', () => {
    const { a, b, leasesA, leasesB } = twoCollectors(4);
    // The process's timers and monotonic clock stand still from here: a collector paused (GC, SIGSTOP, a VM frozen).
    sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
    const keeper = createLeaseKeeper({ leases: leasesA, member: { id: 'a', address: 'http://a.test' }, heartbeatMs: 100, ttlMs: 300, logger: silentLogger });
    keeper.start();
    expect(keeper.held().map((h) => h.partition)).toEqual([0, 1, 2, 3]);

    pause(500);
    const taken = leasesB.acquire('b', 4, [], 60_000);

    expect(taken.map((h) => h.partition)).toEqual([0, 1, 2, 3]);
    expect(keeper.holds(1)).toBe(true);
    const err = caught(() => a.db.transaction(() => {
      keeper.assertHeld([1, 2]);
      write(a, 'a', { partition: 1, epoch: 1 });
    }));
    expect(err).toBeInstanceOf(LeaseLostError);
    expect(err).toMatchObject({ code: 'HW_COLLECTOR_LEASE_LOST', partitions: [1, 2] });
    b.db.transaction(() => {
      leasesB.assertHeld('b', [taken[1]!]);
      write(b, 'b', taken[1]!);
    });
    expect(writes(a)).toEqual([{ partition: 1, writer: 'b', epoch: 2 }]);
  });

  it('holds a takeover back while a commit of the old owner is under way, and lets it in after that commit', () => {
    const { a, b, leasesA, leasesB } = twoCollectors(1);
    const [held] = leasesA.acquire('a', 1, [], 200);
    pause(300);
    let duringCommit: LeaseHolding[] = [];

    a.db.transaction(() => {
      leasesA.assertHeld('a', [held!]);
      // The lease has expired, but the fence's row lock keeps the takeover out until COMMIT.
      duringCommit = leasesB.acquire('b', 1, [], 60_000);
      write(a, 'a', held!);
    });
    const afterCommit = leasesB.acquire('b', 1, [], 60_000);

    expect(duringCommit).toEqual([]);
    expect(afterCommit).toEqual([{ partition: 0, epoch: held!.epoch + 1 }]);
    expect(caught(() => a.db.transaction(() => {
      leasesA.assertHeld('a', [held!]);
      write(a, 'a', held!);
    }))).toBeInstanceOf(LeaseLostError);
    b.db.transaction(() => {
      leasesB.assertHeld('b', afterCommit);
      write(b, 'b', afterCommit[0]!);
    });
    expect(writes(a)).toEqual([{ partition: 0, writer: 'a', epoch: 1 }, { partition: 0, writer: 'b', epoch: 2 }]);
  });
});
