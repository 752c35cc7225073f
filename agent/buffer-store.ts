// The agent's local buffer: encoded batches in a SQLite file (WAL), one row per batch.
//
// Invariants:
// - a batch is written once, whole, with its sequence number and checksum inside its bytes;
// - sequence numbers only increase, also across restarts and after every row is gone
//   (AUTOINCREMENT remembers the highest ever used);
// - a batch is deleted only when the collector has acknowledged it, or to make room
//   when the buffer is full, oldest first, and then it is counted as dropped;
// - no method throws on a storage error (disk full, I/O): a failed append reports it and
//   leaves the file as it was; an acknowledged batch whose delete fails stays pending and is
//   deleted by a later write, and it is not read out again meanwhile;
// - the counters describe what is committed: a transaction's changes are applied to them
//   only after it commits;
// - a batch is checked against its checksum when it is read to be sent: one damaged in the
//   file is dropped and counted (the collector would reject it, and the agent resend it,
//   forever); one written before batches carried a checksum gets one;
// - each batch keeps the partition its keys belong to (its topic); one buffered by a version-1
//   agent has none and goes out on the version-1 topic (README, "Upgrading the wire from v1 to v2");
// - the partition count the collector announced last is kept in the file, so batches sealed
//   before the next connection are split as the collector expects.
import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { appendChecksum, checkChecksum } from '../proto/batch-checksum.js';
import { AgentError } from './errors.js';

export interface StoredBatch {
  readonly seq: number;
  readonly hops: number;
  readonly bytes: Uint8Array;
  /** The partition of every key in the batch; absent for a batch a version-1 agent buffered. */
  readonly partition?: number;
}

export interface BufferStoreOptions {
  readonly file: string;
  /** Bound on the bytes of buffered batches; when a new batch would pass it, the oldest go. */
  readonly maxBytes: number;
  /**
   * Bound on acknowledged batches waiting for a delete that failed. Past it the oldest are
   * forgotten (counted): they stay in the file, are sent again, and the collector answers
   * DUPLICATE, so forgetting costs a resend, never a doubled hop.
   */
  readonly maxPendingRemovals?: number;
  readonly logger?: Logger;
}

export interface BufferCounters {
  readonly batches: number;
  readonly hops: number;
  readonly bytes: number;
  readonly droppedBatches: number;
  readonly droppedHops: number;
  /** Appends that failed and were rolled back (their batches were not stored). */
  readonly writeFailures: number;
  /** Deletes of acknowledged batches that failed and are retried. */
  readonly removeFailures: number;
  /** Acknowledged batches still in the file because their delete failed. */
  readonly pendingRemovals: number;
  /** Pending deletes given up at the bound (maxPendingRemovals); those batches are sent again. */
  readonly forgottenRemovals: number;
  /** Batches found damaged in the file (wrong checksum) when read, and dropped. */
  readonly corruptBatches: number;
  readonly corruptHops: number;
}

export type AppendResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

export interface BufferStore {
  /** Fixed for the life of the file; part of every batch's identity. */
  readonly streamId: number;
  readonly nextSeq: () => number;
  /** All the batches in one transaction, or none of them. */
  append(batches: readonly StoredBatch[]): AppendResult;
  /** Oldest batches with seq > afterSeq, at most `limit`, leaving out acknowledged ones. */
  readAfter(afterSeq: number, limit: number): StoredBatch[];
  /** Deletes acknowledged batches; those it cannot delete now are kept pending and retried. */
  remove(seqs: readonly number[]): void;
  /** Retries pending deletes; true when some were done. */
  retryRemovals(): boolean;
  /** The partition count last announced by the collector (saved with savePartitionCount), if any. */
  partitionCount(): number | undefined;
  /** Keeps the announced count for the next start; false when it could not be written (it is used all the same). */
  savePartitionCount(count: number): boolean;
  counters(): BufferCounters;
  close(): void;
}

const DEFAULT_MAX_PENDING_REMOVALS = 1_000_000;

interface Delta {
  batches: number;
  hops: number;
  bytes: number;
  droppedBatches: number;
  droppedHops: number;
  /** Pending removals that this transaction deleted. */
  readonly removed: number[];
}

const emptyDelta = (): Delta => ({ batches: 0, hops: 0, bytes: 0, droppedBatches: 0, droppedHops: 0, removed: [] });

export function openBufferStore(options: BufferStoreOptions): BufferStore {
  const log = (options.logger ?? silentLogger).child({ component: 'buffer' });
  const maxPendingRemovals = options.maxPendingRemovals ?? DEFAULT_MAX_PENDING_REMOVALS;
  mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  // The agent is the file's only user. Exclusive locking keeps the WAL index in memory rather
  // than in a -shm file, so the buffer opens and is read even on a full disk (where that file
  // cannot be created) and sends what it holds; a second agent on the same file is refused.
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash; a power cut may lose the last batches.
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS batches (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      hops INTEGER NOT NULL,
      bytes BLOB NOT NULL
    );
  `);
  // Added by wire version 2; NULL in the rows of a version-1 agent.
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('batches') as string[];
  if (!columns.includes('partition')) db.exec('ALTER TABLE batches ADD COLUMN partition INTEGER');

  db.prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)').run('stream_id', String(randomInt(1, 2 ** 31)));
  const streamId = Number((db.prepare('SELECT value FROM meta WHERE name = ?').get('stream_id') as { value: string }).value);
  const lastSeq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'batches'").get() as { seq: number } | undefined;
  let next = (lastSeq?.seq ?? 0) + 1;

  const totals = db.prepare('SELECT count(*) AS batches, coalesce(sum(hops), 0) AS hops, coalesce(sum(length(bytes)), 0) AS bytes FROM batches').get() as
    { batches: number; hops: number; bytes: number };
  const c = { ...totals, droppedBatches: 0, droppedHops: 0, writeFailures: 0, removeFailures: 0, forgottenRemovals: 0, corruptBatches: 0, corruptHops: 0 };
  /** Acknowledged seqs whose delete has not committed yet, oldest first (insertion order). */
  const pending = new Set<number>();
  let removalsFailing = false;

  const insert = db.prepare('INSERT INTO batches (seq, hops, bytes, partition) VALUES (?, ?, ?, ?)');
  const oldest = db.prepare('SELECT seq, hops, length(bytes) AS size FROM batches WHERE seq > ? ORDER BY seq LIMIT 64');
  const readAfter = db.prepare('SELECT seq, hops, bytes, partition FROM batches WHERE seq > ? ORDER BY seq LIMIT ?');
  const getMeta = db.prepare('SELECT value FROM meta WHERE name = ?').pluck();
  const setMeta = db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
  const sizeOf = db.prepare('SELECT hops, length(bytes) AS size FROM batches WHERE seq = ?');
  const remove = db.prepare('DELETE FROM batches WHERE seq = ?');

  const apply = (d: Delta) => {
    c.batches += d.batches; c.hops += d.hops; c.bytes += d.bytes;
    c.droppedBatches += d.droppedBatches; c.droppedHops += d.droppedHops;
    for (const seq of d.removed) pending.delete(seq);
  };

  // Oldest first; an acknowledged batch that goes here was delivered, so it is not a drop.
  const makeRoom = (needed: number, d: Delta) => {
    let after = 0;
    while (c.bytes + d.bytes + needed > options.maxBytes && c.batches + d.batches > 0) {
      const rows = oldest.all(after) as { seq: number; hops: number; size: number }[];
      if (rows.length === 0) return;
      for (const row of rows) {
        if (c.bytes + d.bytes + needed <= options.maxBytes) return;
        remove.run(row.seq);
        after = row.seq;
        d.batches--; d.hops -= row.hops; d.bytes -= row.size;
        if (pending.has(row.seq)) d.removed.push(row.seq);
        else { d.droppedBatches++; d.droppedHops += row.hops; }
      }
    }
  };

  const appendTx = db.transaction((items: readonly StoredBatch[]) => {
    const d = emptyDelta();
    for (const b of items) {
      makeRoom(b.bytes.length, d);
      insert.run(b.seq, b.hops, b.bytes, b.partition ?? null);
      d.batches++; d.hops += b.hops; d.bytes += b.bytes.length;
    }
    return d;
  });

  const removeTx = db.transaction((seqs: readonly number[]) => {
    const d = emptyDelta();
    for (const seq of seqs) {
      d.removed.push(seq);
      const row = sizeOf.get(seq) as { hops: number; size: number } | undefined;
      if (!row) continue;
      remove.run(seq);
      d.batches--; d.hops -= row.hops; d.bytes -= row.size;
    }
    return d;
  });

  const retryRemovals = (): boolean => {
    if (pending.size === 0) return false;
    try {
      apply(removeTx([...pending]));
    } catch (err) {
      c.removeFailures++;
      if (!removalsFailing) {
        removalsFailing = true;
        log.error({ code: AgentError.HW_AGENT_BUFFER_DELETE.code, err: (err as Error).message, pending: pending.size }, 'deleting acknowledged batches failed; kept and retried');
      }
      return false;
    }
    if (removalsFailing) {
      removalsFailing = false;
      log.info({ removeFailures: c.removeFailures }, 'deleting acknowledged batches works again');
    }
    return true;
  };

  const keepPending = (seqs: readonly number[]) => {
    for (const seq of seqs) pending.add(seq);
    for (const seq of pending) {
      if (pending.size <= maxPendingRemovals) break;
      pending.delete(seq);
      c.forgottenRemovals++;
    }
  };

  // Rows awaiting their delete are left out, reading on past them so that `limit` still holds.
  const readUnacked = (afterSeq: number, limit: number): StoredBatch[] => {
    const out: StoredBatch[] = [];
    let from = afterSeq;
    while (out.length < limit) {
      const want = limit - out.length;
      const rows = readAfter.all(from, want) as (Omit<StoredBatch, 'partition'> & { partition: number | null })[];
      for (const { partition, ...rest } of rows) {
        const row: StoredBatch = partition === null ? rest : { ...rest, partition };
        if (pending.has(row.seq)) continue;
        const sendable = checked(row);
        if (sendable) out.push(sendable);
      }
      if (rows.length < want) break;
      from = rows[rows.length - 1]!.seq;
    }
    return out;
  };

  const checked = (row: StoredBatch): StoredBatch | undefined => {
    const result = checkChecksum(row.bytes);
    if (result.ok) return row;
    if (result.missing) return { ...row, bytes: appendChecksum(row.bytes) };
    c.corruptBatches++;
    c.corruptHops += row.hops;
    log.error({ code: AgentError.HW_AGENT_BUFFER_CORRUPT.code, seq: row.seq, hops: row.hops, detail: result.detail }, 'damaged batch in the buffer; dropped');
    keepPending([row.seq]);
    return undefined;
  };

  return {
    streamId,
    nextSeq: () => next++,
    append(items) {
      retryRemovals();
      try {
        apply(appendTx(items));
        return { ok: true };
      } catch (err) {
        c.writeFailures++;
        return { ok: false, error: (err as Error).message };
      }
    },
    readAfter(afterSeq, limit) {
      try {
        return readUnacked(afterSeq, limit);
      } catch (err) {
        log.error({ code: AgentError.HW_AGENT_BUFFER_READ.code, err: (err as Error).message }, 'reading the buffer failed; sending resumes on the next attempt');
        return [];
      }
    },
    remove(seqs) {
      keepPending(seqs);
      retryRemovals();
    },
    retryRemovals,
    partitionCount() {
      const value = getMeta.get('partition_count') as string | undefined;
      return value === undefined ? undefined : Number(value);
    },
    savePartitionCount(count) {
      try {
        setMeta.run('partition_count', String(count));
        return true;
      } catch {
        return false;
      }
    },
    counters: () => ({
      batches: c.batches, hops: c.hops, bytes: c.bytes, droppedBatches: c.droppedBatches, droppedHops: c.droppedHops,
      writeFailures: c.writeFailures, removeFailures: c.removeFailures, pendingRemovals: pending.size, forgottenRemovals: c.forgottenRemovals,
      corruptBatches: c.corruptBatches, corruptHops: c.corruptHops,
    }),
    close: () => db.close(),
  };
}
