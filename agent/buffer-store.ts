// The agent's local buffer: encoded batches in a SQLite file (WAL), one row per batch.
//
// Invariants:
// - a batch is written once, whole, with its sequence number inside its bytes;
// - sequence numbers only increase, also across restarts and after every row is gone
//   (AUTOINCREMENT remembers the highest ever used);
// - a batch is deleted only when the collector has acknowledged it, or to make room
//   when the buffer is full, oldest first, and then it is counted as dropped.
import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface StoredBatch {
  readonly seq: number;
  readonly hops: number;
  readonly bytes: Uint8Array;
}

export interface BufferStoreOptions {
  readonly file: string;
  /** Bound on the bytes of buffered batches; when a new batch would pass it, the oldest go. */
  readonly maxBytes: number;
}

export interface BufferCounters {
  readonly batches: number;
  readonly hops: number;
  readonly bytes: number;
  readonly droppedBatches: number;
  readonly droppedHops: number;
}

export interface BufferStore {
  /** Fixed for the life of the file; part of every batch's identity. */
  readonly streamId: number;
  readonly nextSeq: () => number;
  append(batches: readonly StoredBatch[]): void;
  /** Oldest batches with seq > afterSeq, at most `limit`. */
  readAfter(afterSeq: number, limit: number): StoredBatch[];
  remove(seqs: readonly number[]): void;
  counters(): BufferCounters;
  close(): void;
}

export function openBufferStore(options: BufferStoreOptions): BufferStore {
  mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
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

  db.prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)').run('stream_id', String(randomInt(1, 2 ** 31)));
  const streamId = Number((db.prepare('SELECT value FROM meta WHERE name = ?').get('stream_id') as { value: string }).value);
  const lastSeq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'batches'").get() as { seq: number } | undefined;
  let next = (lastSeq?.seq ?? 0) + 1;

  const totals = db.prepare('SELECT count(*) AS batches, coalesce(sum(hops), 0) AS hops, coalesce(sum(length(bytes)), 0) AS bytes FROM batches').get() as
    { batches: number; hops: number; bytes: number };
  let { batches, hops, bytes } = totals;
  let droppedBatches = 0;
  let droppedHops = 0;

  const insert = db.prepare('INSERT INTO batches (seq, hops, bytes) VALUES (?, ?, ?)');
  const oldest = db.prepare('SELECT seq, hops, length(bytes) AS size FROM batches ORDER BY seq LIMIT 64');
  const readAfter = db.prepare('SELECT seq, hops, bytes FROM batches WHERE seq > ? ORDER BY seq LIMIT ?');
  const sizeOf = db.prepare('SELECT hops, length(bytes) AS size FROM batches WHERE seq = ?');
  const remove = db.prepare('DELETE FROM batches WHERE seq = ?');

  const makeRoom = (needed: number) => {
    while (bytes + needed > options.maxBytes && batches > 0) {
      for (const row of oldest.all() as { seq: number; hops: number; size: number }[]) {
        if (bytes + needed <= options.maxBytes) return;
        remove.run(row.seq);
        batches--; hops -= row.hops; bytes -= row.size;
        droppedBatches++; droppedHops += row.hops;
      }
    }
  };

  const append = db.transaction((items: readonly StoredBatch[]) => {
    for (const b of items) {
      makeRoom(b.bytes.length);
      insert.run(b.seq, b.hops, b.bytes);
      batches++; hops += b.hops; bytes += b.bytes.length;
    }
  });

  const removeAll = db.transaction((seqs: readonly number[]) => {
    for (const seq of seqs) {
      const row = sizeOf.get(seq) as { hops: number; size: number } | undefined;
      if (!row) continue;
      remove.run(seq);
      batches--; hops -= row.hops; bytes -= row.size;
    }
  });

  return {
    streamId,
    nextSeq: () => next++,
    append: (items) => append(items),
    readAfter: (afterSeq, limit) => readAfter.all(afterSeq, limit) as StoredBatch[],
    remove: (seqs) => removeAll(seqs),
    counters: () => ({ batches, hops, bytes, droppedBatches, droppedHops }),
    close: () => db.close(),
  };
}
