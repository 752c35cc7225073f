// The agent's buffer checks each batch against its checksum when it reads it to send it.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBufferStore, type BufferStore } from '../../agent/buffer-store.js';
import { checkChecksum } from '../../proto/batch-checksum.js';
import { encodeTestBatch, keyText, T0_US } from '../helpers/batches.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('buffer store checksums', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: BufferStore | undefined;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    store?.close();
    dir.cleanup();
  });

  const file = () => join(dir.path, 'buffer.db');
  const realBatch = (seq: number) => encodeTestBatch('rig', seq, [{ key: keyText(seq), point: 'UG_IN', timeUs: T0_US + seq }]);

  it('drops and counts a batch damaged in the file, and sends the ones beside it', () => {
    const first = openBufferStore({ file: file(), maxBytes: 1 << 20 });
    first.append([1, 2, 3].map((seq) => ({ seq, hops: 1, bytes: realBatch(seq) })));
    first.close();
    const db = new Database(file());
    const row = db.prepare('SELECT bytes FROM batches WHERE seq = 2').get() as { bytes: Buffer };
    row.bytes[10]! ^= 0x01;
    db.prepare('UPDATE batches SET bytes = ? WHERE seq = 2').run(row.bytes);
    db.close();
    store = openBufferStore({ file: file(), maxBytes: 1 << 20 });

    const sent = store.readAfter(0, 10);

    expect(sent.map((b) => b.seq)).toEqual([1, 3]);
    expect(store.counters()).toMatchObject({ corruptBatches: 1, corruptHops: 1, pendingRemovals: 1 });
    expect(store.retryRemovals()).toBe(true);
    expect(store.counters()).toMatchObject({ batches: 2, hops: 2, pendingRemovals: 0 });
  });

  it('gives a checksum to a batch written before batches carried one', () => {
    const withChecksum = realBatch(1);
    const older = withChecksum.subarray(0, withChecksum.length - 6);
    store = openBufferStore({ file: file(), maxBytes: 1 << 20 });
    store.append([{ seq: 1, hops: 1, bytes: older }]);

    const [sent] = store.readAfter(0, 10);

    expect(checkChecksum(sent!.bytes).ok).toBe(true);
    expect(Buffer.from(sent!.bytes).equals(Buffer.from(withChecksum))).toBe(true);
  });
});
