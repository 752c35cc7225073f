// The agent's SQLite buffer on a real disk that fills up (a small tmpfs): failed writes change
// nothing, acknowledged batches whose delete fails are kept pending within their bound.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBufferStore, type BufferStore, type StoredBatch } from '../../agent/buffer-store.js';
import { mountSmallDisk, type FullDisk } from '../../bench/full-disk.js';

const batch = (seq: number, size = 20_000): StoredBatch => ({ seq, hops: 100, bytes: new Uint8Array(size).fill(seq & 0xff) });

describe('buffer store on a full disk', () => {
  let disk: FullDisk | undefined;
  let store: BufferStore | undefined;
  beforeEach(() => {
    disk = mountSmallDisk(2 * 1024 * 1024);
    expect(disk, 'mounting a tmpfs needs root or CAP_SYS_ADMIN').toBeDefined();
  });
  afterEach(() => {
    store?.close();
    disk?.cleanup();
  });

  const open = (maxPendingRemovals?: number) =>
    (store = openBufferStore({ file: join(disk!.path, 'buffer.db'), maxBytes: 64 * 1024 * 1024, maxPendingRemovals }));

  it('reports a failed append and leaves the file and the counters as they were', () => {
    const s = open();
    expect(s.append([batch(s.nextSeq()), batch(s.nextSeq())])).toEqual({ ok: true });
    disk!.fill();

    const result = s.append(Array.from({ length: 40 }, () => batch(s.nextSeq())));

    expect(result.ok).toBe(false);
    expect(s.counters()).toMatchObject({ batches: 2, hops: 200, bytes: 40_000, writeFailures: 1 });
    expect(s.readAfter(0, 100).map((b) => b.seq)).toEqual([1, 2]);
  });

  it('keeps acknowledged batches it cannot delete out of reads, and deletes them when space returns', () => {
    const s = open();
    s.append([1, 2, 3].map(() => batch(s.nextSeq(), 200_000)));
    disk!.fill();

    s.remove([1, 2]);

    expect(s.counters()).toMatchObject({ batches: 3, hops: 300, pendingRemovals: 2 });
    expect(s.counters().removeFailures).toBeGreaterThan(0);
    expect(s.readAfter(0, 10).map((b) => b.seq)).toEqual([3]);
    disk!.free();
    expect(s.retryRemovals()).toBe(true);
    expect(s.counters()).toMatchObject({ batches: 1, hops: 100, bytes: 200_000, pendingRemovals: 0 });
  });

  it('opens on a full disk and sends what it holds', () => {
    const first = open();
    first.append([batch(first.nextSeq()), batch(first.nextSeq())]);
    first.close();
    disk!.fill();

    const s = open();

    expect(s.readAfter(0, 10).map((b) => b.seq)).toEqual([1, 2]);
    expect(s.counters()).toMatchObject({ batches: 2, hops: 200 });
    expect(s.append([batch(s.nextSeq())]).ok).toBe(false);
  });

  it('forgets the oldest pending deletes past its bound, so those batches are sent again', () => {
    const s = open(2);
    s.append([1, 2, 3].map(() => batch(s.nextSeq(), 200_000)));
    disk!.fill();

    s.remove([1, 2, 3]);

    expect(s.counters()).toMatchObject({ batches: 3, pendingRemovals: 2, forgottenRemovals: 1 });
    expect(s.readAfter(0, 10).map((b) => b.seq)).toEqual([1]);
  });
});
