import { describe, expect, it } from 'vitest';
import { HopChunk } from '../../../agent/hop-recorder.js';
import { journeyKey } from '../../../agent/journey-key.js';
import { encodePartitionedHops, splitByPartition } from '../../../agent/partition-split.js';
import { decodeBatch } from '../../../collector/ingest/batch-decoder.js';
import { HopPoint } from '../../../proto/hop-point.js';
import { partitionOfKey } from '../../../proto/partition.js';
import { keyText, T0_US } from '../../helpers/batches.js';

const P = 8;
/** Keys of one User with devices that land in several of P partitions. */
const keys = Array.from({ length: 40 }, (_, i) => journeyKey(keyText(1000 + i, `00-DB-12-34-56-78-${i.toString(16).padStart(2, '0').toUpperCase()}-A0`)));

function chunkOf(hops: { key: number; point: number; timeUs: number }[]): HopChunk {
  const chunk = new HopChunk(hops.length);
  for (const h of hops) {
    const i = chunk.length++;
    chunk.keys[i] = keys[h.key]!;
    chunk.points[i] = h.point;
    chunk.timesUs[i] = h.timeUs;
    chunk.contexts[i] = h.point === HopPoint.UG_IN ? { srv: '4.8.1' } : undefined;
  }
  return chunk;
}

const indexInChunk = (key: unknown, point: number) => {
  for (let i = 0; i < mixed.length; i++) if (mixed.keys[i] === key && mixed.points[i] === point) return i;
  return -1;
};

const mixed = chunkOf(keys.flatMap((_, k) => [
  { key: k, point: HopPoint.UG_IN, timeUs: T0_US + k * 10 },
  { key: k, point: HopPoint.UG_OUT, timeUs: T0_US + 5000 + k * 10 },
]));

describe('splitByPartition', () => {
  it('puts every hop in its key\'s partition, once, keeping the chunk\'s order within each', () => {
    const parts = splitByPartition(mixed, P);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.partition)).toEqual([...parts.map((p) => p.partition)].sort((a, b) => a - b));
    let total = 0;
    for (const { partition, hops } of parts) {
      total += hops.length;
      for (let i = 0; i < hops.length; i++) expect(partitionOfKey(hops.keys[i]!, P)).toBe(partition);
      const original = Array.from({ length: hops.length }, (_, i) => indexInChunk(hops.keys[i], hops.points[i]!));
      expect(original).toEqual([...original].sort((a, b) => a - b));
    }
    expect(total).toBe(mixed.length);
  });

  it('carries each hop\'s point, time and context with it', () => {
    for (const { hops } of splitByPartition(mixed, P)) {
      for (let i = 0; i < hops.length; i++) {
        const at = indexInChunk(hops.keys[i], hops.points[i]!);
        expect(at).toBeGreaterThanOrEqual(0);
        expect([hops.timesUs[i], hops.contexts[i]]).toEqual([mixed.timesUs[at], mixed.contexts[at]]);
      }
    }
  });

  it('passes a chunk whose hops are all in one partition on as it is', () => {
    const one = chunkOf([{ key: 0, point: HopPoint.UG_IN, timeUs: T0_US }, { key: 0, point: HopPoint.UG_OUT, timeUs: T0_US + 1 }]);
    const parts = splitByPartition(one, P);
    expect(parts).toEqual([{ partition: partitionOfKey(keys[0]!, P), hops: one }]);
    expect(splitByPartition(mixed, 1)).toEqual([{ partition: 0, hops: mixed }]);
  });

  it('answers nothing for an empty chunk', () => {
    expect(splitByPartition(new HopChunk(4), P)).toEqual([]);
  });
});

describe('encodePartitionedHops', () => {
  it('encodes one partition per batch, naming it, with sequence numbers in order, and the collector accepts each on its partition', () => {
    let seq = 0;
    const batches = encodePartitionedHops(mixed, P, 4096, () => ({ agentId: 'gw', streamId: 3, seq: ++seq }));
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i + 1));
    expect(batches.reduce((n, b) => n + b.hops, 0)).toBe(mixed.length);
    for (const b of batches) {
      const result = decodeBatch(b.bytes, 'gw', { maxHopsPerBatch: 4096, latestTimeUs: Number.MAX_SAFE_INTEGER, partition: { index: b.partition, count: P } });
      expect(result).toMatchObject({ ok: true, batch: { partition: b.partition, hopCount: b.hops } });
    }
  });

  it('makes batches the collector rejects on another partition\'s topic, per key', () => {
    let seq = 0;
    const [b] = encodePartitionedHops(mixed, P, 4096, () => ({ agentId: 'gw', streamId: 3, seq: ++seq }));
    const other = (b!.partition + 1) % P;
    const result = decodeBatch(b!.bytes, 'gw', { maxHopsPerBatch: 4096, latestTimeUs: Number.MAX_SAFE_INTEGER, partition: { index: other, count: P } });
    expect(result).toMatchObject({ ok: false, reason: 'HW_COLLECTOR_WRONG_PARTITION', seq: 1 });
  });
});
