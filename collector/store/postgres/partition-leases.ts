// PartitionLeases on PostgreSQL (tables of migration partition-leases-1). Every time is the
// server's now(), so collectors on machines whose clocks disagree still agree on expiry.
// Takeovers pass over rows locked by a commit's fence (FOR UPDATE SKIP LOCKED) instead of
// waiting for them: the keeper's thread is never held up by another collector's commit, and
// the takeover happens at its next try, after that commit.
import {
  LeaseLostError, missingPartitions,
  type LeaseHolding, type PartitionLeases,
} from '../ports/partition-leases.js';
import { checkLeaseRows, checkPartitionCount, leaseOf, memberOf, type LeaseRow, type MemberRow } from '../lease-row.js';
import type { SyncPostgres } from './sync-postgres.js';

const ms = (column: string) => `(extract(epoch FROM ${column}) * 1000)::double precision`;
const interval = (param: string) => `(${param}::double precision * interval '1 millisecond')`;
// The held leases as two parallel arrays: unnest pairs them up again.
const HELD = 'unnest($2::integer[], $3::bigint[]) AS h(partition, epoch)';
const args = (holdings: readonly LeaseHolding[]) => [holdings.map((h) => h.partition), holdings.map((h) => h.epoch)];
const holdingOf = (r: { partition: number; epoch: number }): LeaseHolding => ({ partition: r.partition, epoch: r.epoch });


/**
 * Lease rows for partitions 0 … partitionCount - 1 are added when missing; a table that already
 * has rows past them belongs to a deployment with more partitions and is refused.
 */
export function createPostgresPartitionLeases(db: SyncPostgres, partitionCount: number): PartitionLeases {
  checkPartitionCount(partitionCount);
  const rows = () => db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM partition_leases')[0]!.n;
  if (rows() === 0) db.query('INSERT INTO partition_leases (partition) SELECT generate_series(0, $1::integer - 1) ON CONFLICT (partition) DO NOTHING', [partitionCount]);
  checkLeaseRows(rows(), partitionCount);

  return {
    partitionCount,
    join: (member, forgetAfterMs) => void db.query(
      `WITH forgotten AS (DELETE FROM collector_members WHERE last_seen < now() - ${interval('$3')} AND id <> $1)
       INSERT INTO collector_members (id, address, started_at, last_seen) VALUES ($1, $2, now(), now())
       ON CONFLICT (id) DO UPDATE SET address = excluded.address, started_at = now(), last_seen = now(), lag = '[]'`,
      [member.id, member.address, forgetAfterMs]),
    renew: (member, held, ttlMs, lag) => db.query<{ partition: number; epoch: number }>(
      // One statement: the member's row and its leases, at one now().
      `WITH seen AS (
         INSERT INTO collector_members (id, address, started_at, last_seen, lag) VALUES ($1, $5, now(), now(), $6)
         ON CONFLICT (id) DO UPDATE SET last_seen = now(), lag = excluded.lag)
       UPDATE partition_leases l SET renewed_at = now(), expires_at = now() + ${interval('$4')}
       FROM ${HELD} WHERE l.partition = h.partition AND l.epoch = h.epoch AND l.owner = $1
       RETURNING l.partition, l.epoch`,
      [member.id, ...args(held), ttlMs, member.address, JSON.stringify(lag)]).map(holdingOf),
    liveMembers: (ttlMs) => db.query<{ id: string }>(
      `SELECT id FROM collector_members WHERE last_seen > now() - ${interval('$1')} ORDER BY id COLLATE "C"`, [ttlMs]).map((r) => r.id),
    acquire: (memberId, count, exclude, ttlMs) => (count <= 0 ? [] : db.query<{ partition: number; epoch: number }>(
      // The CTE runs once: the rows it locks are the rows updated.
      `WITH free AS (
         SELECT partition FROM partition_leases
         WHERE (owner IS NULL OR owner = $1 OR expires_at <= now()) AND NOT (partition = ANY($3::integer[]))
         ORDER BY partition LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE partition_leases l SET owner = $1, epoch = l.epoch + 1, acquired_at = now(), renewed_at = now(), expires_at = now() + ${interval('$4')}
       FROM free WHERE l.partition = free.partition
       RETURNING l.partition, l.epoch`,
      [memberId, count, [...exclude], ttlMs]).map(holdingOf).sort((a, b) => a.partition - b.partition)),
    release: (memberId, holdings) => {
      if (holdings.length === 0) return;
      db.query(`UPDATE partition_leases l SET owner = NULL, expires_at = now() FROM ${HELD}
                WHERE l.partition = h.partition AND l.epoch = h.epoch AND l.owner = $1`, [memberId, ...args(holdings)]);
    },
    leave: (memberId) => db.transaction(() => {
      db.query('UPDATE partition_leases SET owner = NULL, expires_at = now() WHERE owner = $1', [memberId]);
      db.query('DELETE FROM collector_members WHERE id = $1', [memberId]);
    }),
    snapshot: () => db.transaction(() => {
      const nowMs = db.query<{ now_ms: number }>(`SELECT ${ms('now()')} AS now_ms`)[0]!.now_ms;
      const members = db.query<MemberRow>(
        `SELECT id, address, ${ms('started_at')} AS started_at_ms, ${ms('last_seen')} AS last_seen_ms, lag FROM collector_members ORDER BY id COLLATE "C"`);
      const leases = db.query<LeaseRow>(
        `SELECT partition, owner, epoch, ${ms('acquired_at')} AS acquired_at_ms, ${ms('renewed_at')} AS renewed_at_ms, ${ms('expires_at')} AS expires_at_ms
         FROM partition_leases ORDER BY partition`);
      return { nowMs, members: members.map(memberOf), leases: leases.map(leaseOf) };
    }),
    assertHeld: (memberId, holdings) => {
      if (holdings.length === 0) return;
      if (!db.inTransaction) throw new Error('assertHeld runs inside the commit\'s transaction: outside one its row locks would end at once');
      const found = db.query<{ partition: number }>(
        `SELECT l.partition FROM partition_leases l JOIN ${HELD} ON l.partition = h.partition AND l.epoch = h.epoch
         WHERE l.owner = $1 FOR SHARE OF l`, [memberId, ...args(holdings)]);
      if (found.length !== holdings.length) throw new LeaseLostError(missingPartitions(holdings, found), `${memberId} no longer owns them at the epoch it holds`);
    },
  };
}
