// The contract of the agent's buffer (agent/buffer-store.ts, invariants at its top), as one
// suite for every implementation: reading never deletes, a batch goes only when removed
// (the forwarder removes it when the collector's ack is processed) or, oldest first and
// counted, to make room when full; sequence numbers only increase, also across reopen.
import { afterEach, describe, expect, it } from 'vitest';
import type { BufferStore, StoredBatch } from '../../../agent/buffer-store.js';
import { appendChecksum, CHECKSUM_BYTES } from '../../../proto/batch-checksum.js';

/** One buffer location (a file), opened as often as a test needs, one open at a time. */
export interface BufferLocation {
  open(maxBytes: number): BufferStore;
}

export interface BufferBackend {
  readonly name: string;
  /** A new, empty location. */
  location(): BufferLocation;
}

const MB = 1 << 20;

export function bufferStoreContract(backend: BufferBackend): void {
  describe(`agent buffer on ${backend.name}`, () => {
    const opened: BufferStore[] = [];
    afterEach(() => opened.splice(0).forEach((s) => s.close()));
    const open = (at: BufferLocation, maxBytes = MB) => {
      const s = at.open(maxBytes);
      opened.push(s);
      return s;
    };
    const close = (s: BufferStore) => {
      opened.splice(opened.indexOf(s), 1);
      s.close();
    };
    const batch = (s: BufferStore, size: number, hops = 1): StoredBatch => {
      const seq = s.nextSeq();
      // A real batch ends in its checksum (proto/batch-checksum.ts): the buffer checks it as it reads.
      return { seq, hops, bytes: appendChecksum(new Uint8Array(size - CHECKSUM_BYTES).fill(seq % 256)) };
    };
    const seqs = (s: BufferStore) => s.readAfter(0, 1000).map((b) => b.seq);

    it('reads appended batches back in sequence order, after a position and up to a limit', () => {
      const s = open(backend.location());
      const written = [batch(s, 10, 2), batch(s, 20, 3), batch(s, 30, 4)];
      s.append(written);
      expect(s.readAfter(0, 10).map((b) => ({ ...b, bytes: Buffer.from(b.bytes) }))).toEqual(written.map((b) => ({ ...b, bytes: Buffer.from(b.bytes) })));
      expect(s.readAfter(written[0]!.seq, 1).map((b) => b.seq)).toEqual([written[1]!.seq]);
      expect(s.counters()).toMatchObject({ batches: 3, hops: 9, bytes: 60 });
    });

    it('never deletes a batch that is read but not removed', () => {
      const s = open(backend.location());
      s.append([batch(s, 10), batch(s, 10)]);
      const first = seqs(s);
      expect(seqs(s)).toEqual(first);
      expect(s.counters().batches).toBe(2);
    });

    it('deletes exactly the batches removed, once, and ignores seqs it does not hold', () => {
      const s = open(backend.location());
      const [a, b, c] = [batch(s, 10, 1), batch(s, 20, 2), batch(s, 30, 3)];
      s.append([a!, b!, c!]);
      s.remove([b!.seq, b!.seq, 999_999]);
      expect(seqs(s)).toEqual([a!.seq, c!.seq]);
      expect(s.counters()).toMatchObject({ batches: 2, hops: 4, bytes: 40, droppedBatches: 0 });
    });

    it('keeps unremoved batches, the stream id and the sequence across a reopen', () => {
      const at = backend.location();
      const s = open(at);
      s.append([batch(s, 10), batch(s, 10)]);
      const { streamId } = s;
      const before = seqs(s);
      close(s);
      const again = open(at);
      expect(again.streamId).toBe(streamId);
      expect(seqs(again)).toEqual(before);
      expect(again.counters()).toMatchObject({ batches: 2, bytes: 20 });
      expect(again.nextSeq()).toBeGreaterThan(Math.max(...before));
    });

    it('never hands out a sequence number again, even after every batch is gone and the buffer reopened', () => {
      const at = backend.location();
      const s = open(at);
      const given = [s.nextSeq(), s.nextSeq(), s.nextSeq()];
      expect(given).toEqual([...given].sort((x, y) => x - y));
      expect(new Set(given).size).toBe(3);
      s.append(given.map((seq) => ({ seq, hops: 1, bytes: appendChecksum(new Uint8Array(4)) })));
      s.remove(given);
      close(s);
      const again = open(at);
      expect(again.counters().batches).toBe(0);
      expect(again.nextSeq()).toBeGreaterThan(Math.max(...given));
    });

    it('drops the oldest batches when a new one would pass the bound, and counts them', () => {
      const s = open(backend.location(), 100);
      const written = [batch(s, 40, 1), batch(s, 40, 2), batch(s, 40, 3), batch(s, 40, 4)];
      s.append(written.slice(0, 2));
      s.append(written.slice(2));
      expect(seqs(s)).toEqual([written[2]!.seq, written[3]!.seq]);
      expect(s.counters()).toMatchObject({ batches: 2, hops: 7, bytes: 80, droppedBatches: 2, droppedHops: 3 });
    });
  });
}
