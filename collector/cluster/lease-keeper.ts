// Keeps this collector's share of the partitions (README "Running several collectors"). Every
// heartbeatMs it renews the leases it holds for ttlMs and then, unless a rebalance is still
// running, moves towards its fair share (fair-share.ts): it takes free or expired partitions,
// or gives up its highest ones when members joined, after onReleasing has let the data plane
// checkpoint them. Heartbeats go on while a rebalance waits for its callbacks.
//
// A lease counts as held here only until the renewal sent last plus ttlMs, by this process's
// monotonic clock: the store's expiry, counted from the moment the store ran the renewal, is
// never earlier, so no other member can have taken a partition this one still counts as held
// (a process paused past that moment is stopped by the fence: assertHeld). So a member that
// dies, or loses the store, has its partitions taken by the others within ttlMs + heartbeatMs.
import { HopwatchError } from '../../common/error-codes.js';
import type { Logger } from '../../common/logger.js';
import {
  LeaseLostError, type LeaseHolding, type MemberInfo, type PartitionLag, type PartitionLeases,
} from '../store/ports/partition-leases.js';
import { clusterState, type ClusterState } from './cluster-state.js';
import { fairShare } from './fair-share.js';

export const DEFAULT_HEARTBEAT_MS = 1000;
export const DEFAULT_LEASE_TTL_MS = 5000;
/** How long a member that stopped renewing stays in the cluster view (as not live). */
const FORGET_MEMBERS_AFTER_MS = 24 * 3600_000;

export interface LeaseKeeperOptions {
  /** On the connection the data plane commits on, when assertHeld is to fence its commits. */
  readonly leases: PartitionLeases;
  readonly member: MemberInfo;
  readonly heartbeatMs?: number;
  /** How long a lease lasts unless renewed; at least twice heartbeatMs. */
  readonly ttlMs?: number;
  /** After partitions are taken: restore their open journeys, replay their batches, subscribe. */
  readonly onAcquired?: (partitions: readonly number[]) => void | Promise<void>;
  /** Before partitions are given up (rebalance, stop): stop taking their batches, checkpoint. Commits still pass the fence meanwhile. */
  readonly onReleasing?: (partitions: readonly number[]) => void | Promise<void>;
  /** Partitions taken by another member, or held past their lease without a renewal: drop their state, commit nothing more for them. */
  readonly onLost?: (partitions: readonly number[]) => void;
  /** How far behind each held partition is, sent with every renewal (shown by /api/v1/cluster). */
  readonly lag?: () => readonly PartitionLag[];
  readonly logger: Logger;
  /** Milliseconds of a monotonic clock (default the global performance.now, which fake timers replace). */
  readonly monotonicMs?: () => number;
}

export interface LeaseKeeperCounters {
  renewals: number;
  /** Renewals and other lease statements that failed (store unreachable). */
  storeFailures: number;
  acquired: number;
  released: number;
  /** Leases taken by another member or run out before they could be renewed. */
  lost: number;
  /** Rebalance steps that took or gave up partitions. */
  rebalances: number;
  /** onAcquired / onReleasing / onLost calls that threw. */
  callbackFailures: number;
}

export interface LeaseKeeper {
  readonly memberId: string;
  readonly partitionCount: number;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
  /** ttlMs + heartbeatMs: how long a dead member's partitions stay without an owner at most. */
  readonly takeoverBoundMs: number;
  /** Joins the members and runs the first heartbeat now. Throws when the store cannot be reached. */
  start(): void;
  /** Gives up every partition (after onReleasing) and leaves the members; runs once. */
  stop(): Promise<void>;
  /** The leases held now, by partition. */
  held(): LeaseHolding[];
  holds(partition: number): boolean;
  /**
   * The fence, in the commit's transaction: throws LeaseLostError unless every one of
   * `partitions` is held here and, in the store, still at the same epoch.
   */
  assertHeld(partitions: readonly number[]): void;
  /** Every member and lease as the store has them now (GET /api/v1/cluster). */
  state(): ClusterState;
  readonly counters: Readonly<LeaseKeeperCounters>;
}

interface Held {
  readonly epoch: number;
  /** Monotonic ms: held until then unless renewed. */
  validUntil: number;
}

export function createLeaseKeeper(options: LeaseKeeperOptions): LeaseKeeper {
  const { leases, member } = options;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!(heartbeatMs > 0) || !(ttlMs >= 2 * heartbeatMs)) {
    throw new HopwatchError('HW_COLLECTOR_CONFIG', `lease ttl ${ttlMs} ms must be at least twice the heartbeat ${heartbeatMs} ms (and the heartbeat above 0)`);
  }
  const now = options.monotonicMs ?? (() => performance.now());
  const log = options.logger.child({ component: 'lease-keeper', member: member.id });
  const counters: LeaseKeeperCounters = { renewals: 0, storeFailures: 0, acquired: 0, released: 0, lost: 0, rebalances: 0, callbackFailures: 0 };
  const holdings = new Map<number, Held>();
  let timer: NodeJS.Timeout | undefined;
  let rebalancing: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let storeDown = false;

  const sorted = (partitions: Iterable<number>) => [...partitions].sort((a, b) => a - b);
  const holdingsOf = (partitions: readonly number[]) => partitions.flatMap((p) => {
    const h = holdings.get(p);
    return h === undefined ? [] : [{ partition: p, epoch: h.epoch }];
  });

  const call = async (name: string, fn: ((partitions: readonly number[]) => void | Promise<void>) | undefined, partitions: readonly number[]): Promise<boolean> => {
    try {
      await fn?.(partitions);
      return true;
    } catch (err) {
      counters.callbackFailures += 1;
      log.error({ err: (err as Error).message, partitions }, `${name} failed`);
      return false;
    }
  };

  const storeFailed = (err: unknown, what: string) => {
    counters.storeFailures += 1;
    if (!storeDown) log.warn({ err: (err as Error).message }, `${what} failed: leases run out unless the store answers again`);
    storeDown = true;
  };

  const drop = (partitions: readonly number[], why: string) => {
    if (partitions.length === 0) return;
    for (const p of partitions) holdings.delete(p);
    counters.lost += partitions.length;
    log.warn({ partitions, why }, 'leases lost');
    try {
      options.onLost?.(partitions);
    } catch (err) {
      counters.callbackFailures += 1;
      log.error({ err: (err as Error).message, partitions }, 'onLost failed');
    }
  };

  const renew = (): boolean => {
    const t = now();
    drop(sorted([...holdings].filter(([, h]) => h.validUntil <= t).map(([p]) => p)), 'not renewed within the lease');
    let lag: readonly PartitionLag[] = [];
    try {
      lag = options.lag?.() ?? [];
    } catch (err) {
      log.error({ err: (err as Error).message }, 'lag callback failed');
    }
    let kept: LeaseHolding[];
    try {
      kept = leases.renew(member, holdingsOf(sorted(holdings.keys())), ttlMs, lag);
    } catch (err) {
      storeFailed(err, 'lease renewal');
      return false;
    }
    if (storeDown) log.info('lease renewal works again');
    storeDown = false;
    counters.renewals += 1;
    const epochs = new Map(kept.map((k) => [k.partition, k.epoch]));
    const taken: number[] = [];
    for (const [p, h] of holdings) {
      if (epochs.get(p) === h.epoch) h.validUntil = t + ttlMs;
      else taken.push(p);
    }
    drop(sorted(taken), 'taken by another member');
    return true;
  };

  const giveUp = async (partitions: readonly number[]) => {
    // Given up even when the checkpoint failed: the next owner replays the partitions' logged batches.
    await call('onReleasing', options.onReleasing, partitions);
    const still = holdingsOf(partitions);
    // Not held here any more before the store frees them: never counted as held by two.
    for (const h of still) holdings.delete(h.partition);
    counters.released += still.length;
    try {
      leases.release(member.id, still);
    } catch (err) {
      storeFailed(err, 'lease release');
    }
    log.info({ partitions: still.map((h) => h.partition) }, 'partitions released');
  };

  const take = async (count: number) => {
    const t = now();
    let got: LeaseHolding[];
    try {
      got = leases.acquire(member.id, count, sorted(holdings.keys()), ttlMs);
    } catch (err) {
      storeFailed(err, 'lease acquisition');
      return;
    }
    if (got.length === 0) return;
    for (const g of got) holdings.set(g.partition, { epoch: g.epoch, validUntil: t + ttlMs });
    counters.acquired += got.length;
    counters.rebalances += 1;
    const partitions = got.map((g) => g.partition);
    log.info({ partitions }, 'partitions acquired');
    // A partition the data plane could not take up is given back for another member or a later try.
    if (!(await call('onAcquired', options.onAcquired, partitions))) await giveUp(partitions);
  };

  const rebalance = async () => {
    let members: string[];
    try {
      members = leases.liveMembers(ttlMs);
    } catch (err) {
      storeFailed(err, 'member listing');
      return;
    }
    const share = fairShare(leases.partitionCount, members, member.id);
    const mine = sorted(holdings.keys());
    if (mine.length > share) {
      counters.rebalances += 1;
      await giveUp(mine.slice(share));
    } else if (mine.length < share) {
      await take(share - mine.length);
    }
  };

  const tick = () => {
    const renewed = renew();
    if (renewed && stopping === undefined && rebalancing === undefined) {
      rebalancing = rebalance().finally(() => {
        rebalancing = undefined;
      });
    }
    timer = setTimeout(tick, heartbeatMs);
    timer.unref();
  };

  return {
    memberId: member.id,
    partitionCount: leases.partitionCount,
    heartbeatMs,
    ttlMs,
    takeoverBoundMs: ttlMs + heartbeatMs,
    start() {
      if (timer !== undefined || stopping !== undefined) return;
      leases.join(member, FORGET_MEMBERS_AFTER_MS);
      log.info({ partitions: leases.partitionCount, heartbeatMs, ttlMs }, 'joined');
      tick();
    },
    stop() {
      stopping ??= (async () => {
        // Heartbeats go on until every partition is given up, so that onReleasing can take its time.
        await rebalancing;
        const all = sorted(holdings.keys());
        if (all.length > 0) await call('onReleasing', options.onReleasing, all);
        clearTimeout(timer);
        counters.released += holdings.size;
        holdings.clear();
        try {
          leases.leave(member.id);
        } catch (err) {
          storeFailed(err, 'leaving');
        }
        log.info({ partitions: all }, 'left');
      })();
      return stopping;
    },
    held: () => {
      const t = now();
      return sorted(holdings.keys()).flatMap((p) => (holdings.get(p)!.validUntil > t ? [{ partition: p, epoch: holdings.get(p)!.epoch }] : []));
    },
    holds: (partition) => (holdings.get(partition)?.validUntil ?? -Infinity) > now(),
    assertHeld(partitions) {
      const t = now();
      const missing = partitions.filter((p) => !((holdings.get(p)?.validUntil ?? -Infinity) > t));
      if (missing.length > 0) throw new LeaseLostError(missing, `${member.id} does not hold them now`);
      leases.assertHeld(member.id, holdingsOf(partitions));
    },
    state: () => clusterState(leases.snapshot(), { self: member.id, partitionCount: leases.partitionCount, heartbeatMs, ttlMs }),
    counters,
  };
}
