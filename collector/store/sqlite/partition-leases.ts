// PartitionLeases on SQLite (tables of migration 8), for a collector alone on its file: it
// takes every partition and keeps them. Times come from the process's clock. No row locks are
// needed for the fence: one process, one connection, and a transaction runs to its end before
// a renewal or a takeover can run.
import type Database from 'better-sqlite3';
import {
  LeaseLostError, missingPartitions,
  type LeaseHolding, type PartitionLag, type PartitionLeases,
} from '../ports/partition-leases.js';
import { checkLeaseRows, checkPartitionCount, leaseOf, memberOf, type LeaseRow, type MemberRow } from '../lease-row.js';


export interface SqlitePartitionLeasesOptions {
  readonly partitionCount: number;
  /** Wall-clock milliseconds (default Date.now). */
  readonly nowMs?: () => number;
}

export function createSqlitePartitionLeases(db: Database.Database, options: SqlitePartitionLeasesOptions): PartitionLeases {
  const { partitionCount } = options;
  const now = options.nowMs ?? Date.now;
  checkPartitionCount(partitionCount);
  const add = db.prepare('INSERT OR IGNORE INTO partition_leases (partition) VALUES (?)');
  const rows = () => db.prepare('SELECT count(*) FROM partition_leases').pluck().get() as number;
  if (rows() === 0) {
    db.transaction(() => {
      for (let p = 0; p < partitionCount; p++) add.run(p);
    })();
  }
  checkLeaseRows(rows(), partitionCount);
  const s = {
    join: db.prepare(`INSERT INTO collector_members (id, address, started_at_ms, last_seen_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET address = excluded.address, started_at_ms = excluded.started_at_ms, last_seen_ms = excluded.last_seen_ms, lag = '[]'`),
    seen: db.prepare(`INSERT INTO collector_members (id, address, started_at_ms, last_seen_ms, lag) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET last_seen_ms = excluded.last_seen_ms, lag = excluded.lag`),
    renew: db.prepare('UPDATE partition_leases SET renewed_at_ms = ?, expires_at_ms = ? WHERE partition = ? AND epoch = ? AND owner = ?'),
    live: db.prepare('SELECT id FROM collector_members WHERE last_seen_ms > ? ORDER BY id').pluck(),
    candidates: db.prepare('SELECT partition FROM partition_leases WHERE owner IS NULL OR owner = ? OR expires_at_ms <= ? ORDER BY partition').pluck(),
    take: db.prepare('UPDATE partition_leases SET owner = ?, epoch = epoch + 1, acquired_at_ms = ?, renewed_at_ms = ?, expires_at_ms = ? WHERE partition = ? RETURNING partition, epoch'),
    release: db.prepare('UPDATE partition_leases SET owner = NULL, expires_at_ms = ? WHERE partition = ? AND epoch = ? AND owner = ?'),
    releaseAll: db.prepare('UPDATE partition_leases SET owner = NULL, expires_at_ms = ? WHERE owner = ?'),
    forget: db.prepare('DELETE FROM collector_members WHERE id = ?'),
    forgetStale: db.prepare('DELETE FROM collector_members WHERE last_seen_ms < ?'),
    members: db.prepare('SELECT * FROM collector_members ORDER BY id'),
    leases: db.prepare('SELECT * FROM partition_leases ORDER BY partition'),
    owned: db.prepare('SELECT 1 FROM partition_leases WHERE partition = ? AND epoch = ? AND owner = ?').pluck(),
  };

  const renew = db.transaction((member: { id: string; address: string }, held: readonly LeaseHolding[], ttlMs: number, lag: readonly PartitionLag[]) => {
    const t = now();
    s.seen.run(member.id, member.address, t, t, JSON.stringify(lag));
    return held.filter((h) => s.renew.run(t, t + ttlMs, h.partition, h.epoch, member.id).changes > 0).map((h) => ({ partition: h.partition, epoch: h.epoch }));
  });
  const acquire = db.transaction((memberId: string, count: number, exclude: readonly number[], ttlMs: number) => {
    const t = now();
    const skip = new Set(exclude);
    const free = (s.candidates.all(memberId, t) as number[]).filter((p) => !skip.has(p)).slice(0, Math.max(0, count));
    return free.map((p) => s.take.get(memberId, t, t, t + ttlMs, p) as LeaseHolding);
  });
  const release = db.transaction((memberId: string, holdings: readonly LeaseHolding[]) => {
    const t = now();
    for (const h of holdings) s.release.run(t, h.partition, h.epoch, memberId);
  });
  const leave = db.transaction((memberId: string) => {
    s.releaseAll.run(now(), memberId);
    s.forget.run(memberId);
  });
  const snapshot = db.transaction(() => ({
    nowMs: now(),
    members: (s.members.all() as MemberRow[]).map(memberOf),
    leases: (s.leases.all() as LeaseRow[]).map(leaseOf),
  }));

  return {
    partitionCount,
    join: (member, forgetAfterMs) => {
      const t = now();
      s.forgetStale.run(t - forgetAfterMs);
      s.join.run(member.id, member.address, t, t);
    },
    renew: (member, held, ttlMs, lag) => renew(member, held, ttlMs, lag),
    liveMembers: (ttlMs) => s.live.all(now() - ttlMs) as string[],
    acquire: (memberId, count, exclude, ttlMs) => acquire(memberId, count, exclude, ttlMs),
    release: (memberId, holdings) => release(memberId, holdings),
    leave: (memberId) => leave(memberId),
    snapshot: () => snapshot(),
    assertHeld: (memberId, holdings) => {
      if (holdings.length === 0) return;
      if (!db.inTransaction) throw new Error('assertHeld runs inside the commit\'s transaction');
      const found = holdings.filter((h) => s.owned.get(h.partition, h.epoch, memberId) !== undefined);
      if (found.length !== holdings.length) throw new LeaseLostError(missingPartitions(holdings, found), `${memberId} no longer owns them at the epoch it holds`);
    },
  };
}
