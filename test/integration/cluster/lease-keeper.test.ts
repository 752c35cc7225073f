// Three, then four lease keepers on one real PostgreSQL, each on its own connection as separate
// collectors would be: they split the partitions evenly, take over a dead member's partitions
// within ttl + heartbeat, make room for a member that joins, and give everything up at once on a
// clean stop. Throughout, a watcher checks every few milliseconds that no partition is counted as
// held by two keepers and that the store agrees with every keeper about what it holds.
import { spawn } from 'node:child_process';
import { join as joinPath } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/logger.js';
import { createLeaseKeeper, type LeaseKeeper } from '../../../collector/cluster/lease-keeper.js';
import { createPostgresPartitionLeases } from '../../../collector/store/postgres/partition-leases.js';
import { openPostgresStore } from '../../../collector/store/postgres/postgres-store.js';
import { openSyncPostgres, type SyncPostgres } from '../../../collector/store/postgres/sync-postgres.js';
import type { PartitionLeases } from '../../../collector/store/ports/partition-leases.js';
import { useTestPostgres } from '../../helpers/postgres.js';

const PARTITIONS = 64;
const HEARTBEAT_MS = 300;
const TTL_MS = 1_500;
// Timers and statements run late on a loaded machine: what the bound may be exceeded by here.
const SCHEDULING_SLACK_MS = 1_000;

const postgres = useTestPostgres();

interface Member {
  readonly id: string;
  readonly store: SyncPostgres;
  readonly keeper: LeaseKeeper;
  readonly acquired: number[];
  readonly releasing: number[][];
  readonly lost: number[];
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

function cluster(ids: readonly string[]) {
  const url = postgres.freshDatabase();
  const observer = openPostgresStore({ url });
  const view: PartitionLeases = createPostgresPartitionLeases(observer.db, PARTITIONS);
  const members: Member[] = [];
  const violations: string[] = [];
  let samples = 0;
  // Every connection is opened before any keeper starts: opening one holds this thread (and so
  // the heartbeats of keepers already running) for as long as it takes to connect.
  const connections = new Map(ids.map((id) => [id, openSyncPostgres(url)]));

  const join = (id: string): Member => {
    const store = connections.get(id)!;
    const acquired: number[] = [];
    const releasing: number[][] = [];
    const lost: number[] = [];
    const keeper = createLeaseKeeper({
      leases: createPostgresPartitionLeases(store, PARTITIONS),
      member: { id, address: `http://${id}.test:8080` },
      heartbeatMs: HEARTBEAT_MS,
      ttlMs: TTL_MS,
      onAcquired: (p) => void acquired.push(...p),
      // A checkpoint takes a while: the partitions stay this member's meanwhile.
      onReleasing: async (p) => {
        releasing.push([...p]);
        await sleep(100);
      },
      onLost: (p) => void lost.push(...p),
      logger: silentLogger,
    });
    const member = { id, store, keeper, acquired, releasing, lost };
    members.push(member);
    keeper.start();
    return member;
  };

  const check = () => {
    samples += 1;
    const table = view.snapshot();
    for (let p = 0; p < PARTITIONS; p++) {
      const holders = members.filter((m) => m.keeper.holds(p));
      if (holders.length > 1) violations.push(`partition ${p} held by ${holders.map((m) => m.id).join(' and ')}`);
      for (const m of holders) {
        const lease = table.leases[p]!;
        const epoch = m.keeper.held().find((h) => h.partition === p)?.epoch;
        if (lease.owner !== m.id || lease.epoch !== epoch) violations.push(`partition ${p}: ${m.id} holds epoch ${epoch}, the store says ${lease.owner} at ${lease.epoch}`);
      }
    }
  };
  const watcher = setInterval(check, 15);
  cleanup.push(async () => {
    clearInterval(watcher);
    for (const m of members) await m.keeper.stop();
    for (const connection of connections.values()) connection.close();
    observer.close();
  });

  /** Polls until every member listed holds the counts given (in order), or the time is up; the ms it took. */
  const settle = async (expected: readonly [Member, number][], withinMs: number): Promise<number> => {
    const started = performance.now();
    while (performance.now() - started < withinMs) {
      if (expected.every(([m, n]) => m.keeper.held().length === n)) return performance.now() - started;
      await sleep(10);
    }
    throw new Error(`not settled within ${withinMs} ms: ${members.map((m) => `${m.id} ${m.keeper.held().length}`).join(', ')}`);
  };

  return { url, join, settle, view, members, violations, samples: () => samples };
}

/** A keeper in a process of its own (the compiled modules, as a collector would run them); what it holds, as it last said. */
function keeperProcess(url: string, id: string) {
  const dist = (...path: string[]) => JSON.stringify(joinPath(process.cwd(), 'dist', ...path));
  const script = `
    import { createLeaseKeeper } from ${dist('collector', 'cluster', 'lease-keeper.js')};
    import { createPostgresPartitionLeases } from ${dist('collector', 'store', 'postgres', 'partition-leases.js')};
    import { openSyncPostgres } from ${dist('collector', 'store', 'postgres', 'sync-postgres.js')};
    import { silentLogger } from ${dist('common', 'logger.js')};
    const [url, id, partitions, heartbeatMs, ttlMs] = process.argv.slice(1);
    const leases = createPostgresPartitionLeases(openSyncPostgres(url), Number(partitions));
    const keeper = createLeaseKeeper({ leases, member: { id, address: 'child' }, heartbeatMs: Number(heartbeatMs), ttlMs: Number(ttlMs), logger: silentLogger });
    keeper.start();
    setInterval(() => console.log(JSON.stringify(keeper.held().map((h) => h.partition))), 20);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, url, id, String(PARTITIONS), String(HEARTBEAT_MS), String(TTL_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let held: number[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    held = JSON.parse(line) as number[];
  });
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, held: () => held };
}

describe('Lease keepers on one PostgreSQL', () => {
  it('take over the partitions of a collector process killed with SIGKILL within ttl + heartbeat', async () => {
    const c = cluster(['collector-a', 'collector-b']);
    const [a, b] = [c.join('collector-a'), c.join('collector-b')];
    const killed = keeperProcess(c.url, 'collector-c');
    for (let i = 0; i < 1_000 && killed.held().length !== 21; i++) await sleep(10);
    await c.settle([[a, 22], [b, 21]], 10_000);
    const its = killed.held();

    const killedAt = performance.now();
    killed.child.kill('SIGKILL');
    await c.settle([[a, 32], [b, 32]], 10_000);
    const takeoverMs = performance.now() - killedAt;

    expect(its).toHaveLength(21);
    expect(takeoverMs).toBeGreaterThan(TTL_MS - HEARTBEAT_MS);
    expect(takeoverMs).toBeLessThanOrEqual(a.keeper.takeoverBoundMs + SCHEDULING_SLACK_MS);
    const owners = c.view.snapshot().leases.filter((l) => its.includes(l.partition)).map((l) => l.owner);
    expect(new Set(owners)).toEqual(new Set(['collector-a', 'collector-b']));
    expect(c.violations).toEqual([]);
  }, 60_000);

  it('split 64 partitions 22/21/21, take a dead member\'s within ttl + heartbeat, and make room for a fourth', async () => {
    const c = cluster(['collector-a', 'collector-b', 'collector-c', 'collector-d']);
    const [a, b, dead] = [c.join('collector-a'), c.join('collector-b'), c.join('collector-c')];
    await c.settle([[a, 22], [b, 21], [dead, 21]], 10_000);
    expect(new Set([...a.acquired, ...b.acquired, ...dead.acquired]).size).toBe(PARTITIONS);
    const deadPartitions = dead.keeper.held().map((h) => h.partition);

    // Its connection gone, the third can neither renew nor release: to the others it is dead.
    const killedAt = performance.now();
    dead.store.close();
    const tookMs = await c.settle([[a, 32], [b, 32]], 10_000);
    const takeoverMs = performance.now() - killedAt;

    expect(a.keeper.takeoverBoundMs).toBe(TTL_MS + HEARTBEAT_MS);
    expect(takeoverMs).toBeGreaterThan(TTL_MS - HEARTBEAT_MS);
    expect(tookMs).toBeLessThanOrEqual(a.keeper.takeoverBoundMs + SCHEDULING_SLACK_MS);
    expect(dead.keeper.held()).toEqual([]);
    // It tells its data plane at its own next heartbeat, which may come after the others took over.
    for (let i = 0; i < 100 && dead.lost.length < deadPartitions.length; i++) await sleep(HEARTBEAT_MS / 10);
    expect(dead.lost.sort((x, y) => x - y)).toEqual(deadPartitions);
    expect(() => dead.keeper.assertHeld([deadPartitions[0]!])).toThrow(expect.objectContaining({ code: 'HW_COLLECTOR_LEASE_LOST' }) as Error);

    const releasedBefore = [a.releasing.length, b.releasing.length];
    const d = c.join('collector-d');
    await c.settle([[a, 22], [b, 21], [d, 21]], 10_000);
    const released = [...a.releasing.slice(releasedBefore[0]), ...b.releasing.slice(releasedBefore[1])].flat().sort((x, y) => x - y);
    expect(released).toEqual([...d.acquired].sort((x, y) => x - y));
    expect(c.view.snapshot().leases.filter((l) => l.owner === null)).toEqual([]);
    await sleep(4 * HEARTBEAT_MS);
    expect([a, b, d].map((m) => m.keeper.held().length)).toEqual([22, 21, 21]);
    expect(a.keeper.counters.lost + b.keeper.counters.lost + d.keeper.counters.lost).toBe(0);
    expect(c.samples()).toBeGreaterThan(50);
    expect(c.violations).toEqual([]);
  }, 60_000);

  it('give every partition up at once on a clean stop, so that the others take them without waiting for the lease to run out', async () => {
    const c = cluster(['collector-a', 'collector-b', 'collector-c']);
    const [a, b, leaving] = [c.join('collector-a'), c.join('collector-b'), c.join('collector-c')];
    await c.settle([[a, 22], [b, 21], [leaving, 21]], 10_000);
    const its = leaving.keeper.held().map((h) => h.partition);

    const stoppedAt = performance.now();
    await leaving.keeper.stop();
    await c.settle([[a, 32], [b, 32]], 10_000);
    const takeoverMs = performance.now() - stoppedAt;

    expect(leaving.releasing).toEqual([its]);
    expect(takeoverMs).toBeLessThan(TTL_MS);
    expect(c.view.liveMembers(TTL_MS)).toEqual(['collector-a', 'collector-b']);
    expect(c.violations).toEqual([]);
  }, 60_000);
});
