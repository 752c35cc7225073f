import { describe, expect, it } from 'vitest';
import type { HopColumns } from '../../../agent/batch-encoder.js';
import { HopChunk } from '../../../agent/hop-recorder.js';
import { journeyKey } from '../../../agent/journey-key.js';
import { createPartitionLinger } from '../../../agent/partition-linger.js';
import { HopPoint } from '../../../proto/hop-point.js';
import { partitionOfKey } from '../../../proto/partition.js';
import { keyText, T0_US } from '../../helpers/batches.js';

const P = 8;
const keys = Array.from({ length: 40 }, (_, i) => journeyKey(keyText(1000 + i, `00-DB-12-34-56-78-${i.toString(16).padStart(2, '0').toUpperCase()}-A0`)));

/** A chunk with one UG_IN per key, at times from `t0`. */
function chunkOf(t0: number, n = keys.length): HopChunk {
  const chunk = new HopChunk(n);
  for (let k = 0; k < n; k++) {
    const i = chunk.length++;
    chunk.keys[i] = keys[k]!;
    chunk.points[i] = HopPoint.UG_IN;
    chunk.timesUs[i] = t0 + k;
    chunk.contexts[i] = { srv: '4.8.1' };
  }
  return chunk;
}

interface Sealed { partition: number; times: number[]; inPartition: boolean }

function setUp(lingerMs: number, maxHops = 4096) {
  let now = 0;
  const sealed: Sealed[] = [];
  const linger = createPartitionLinger({
    lingerMs, maxHops, nowMs: () => now,
    onSealed: (partition: number, hops: HopColumns) => sealed.push({
      partition,
      times: Array.from(hops.timesUs.subarray(0, hops.length)),
      inPartition: hops.keys.slice(0, hops.length).every((k) => partitionOfKey(k, P) === partition),
    }),
  });
  return { linger, sealed, advance: (ms: number) => (now += ms) };
}

describe('partition linger', () => {
  it('seals a chunk at once when there is one partition', () => {
    const { linger, sealed } = setUp(1000);
    linger.add(chunkOf(T0_US), 1);
    expect(sealed).toHaveLength(1);
    expect(sealed[0]!.times).toHaveLength(keys.length);
    expect(linger.pendingHops).toBe(0);
  });

  it('holds each partition\'s hops across chunks until the oldest has waited lingerMs, then seals one batch per partition', () => {
    const { linger, sealed, advance } = setUp(1000);
    linger.add(chunkOf(T0_US), P);
    advance(500);
    linger.add(chunkOf(T0_US + 1_000_000), P);
    expect(linger.pendingHops).toBe(2 * keys.length);
    advance(499);
    linger.sealDue();
    expect(sealed).toHaveLength(0);
    advance(1);
    linger.sealDue();
    const partitions = new Set(keys.map((k) => partitionOfKey(k, P)));
    expect(sealed.map((s) => s.partition).sort((a, b) => a - b)).toEqual([...partitions].sort((a, b) => a - b));
    expect(sealed.every((s) => s.inPartition)).toBe(true);
    // Both chunks' hops of a partition in its one batch, and every hop once.
    expect(sealed.reduce((n, s) => n + s.times.length, 0)).toBe(2 * keys.length);
    for (const s of sealed) expect(s.times.filter((t) => t >= T0_US + 1_000_000)).toHaveLength(s.times.length / 2);
    expect(linger.pendingHops).toBe(0);
  });

  it('seals a partition as soon as it holds a batch\'s worth, whatever the linger', () => {
    const { linger, sealed } = setUp(60_000, 3);
    for (let c = 0; c < 10; c++) linger.add(chunkOf(T0_US + c * 1000), P);
    expect(sealed.length).toBeGreaterThan(0);
    expect(sealed.every((s) => s.times.length === 3 && s.inPartition)).toBe(true);
    expect(linger.pendingHops + sealed.length * 3).toBe(10 * keys.length);
  });

  it('keeps its own copy of the hops: the recorder reuses a chunk once add returns', () => {
    const { linger, sealed } = setUp(1000);
    const chunk = chunkOf(T0_US);
    linger.add(chunk, P);
    chunk.timesUs.fill(0);
    linger.sealAll();
    expect(sealed.flatMap((s) => s.times).sort((a, b) => a - b)).toEqual(keys.map((_, k) => T0_US + k));
  });

  it('seals what it holds by the old count before taking hops split by a new one', () => {
    const { linger, sealed } = setUp(1000);
    linger.add(chunkOf(T0_US), P);
    linger.add(chunkOf(T0_US + 1000), 1);
    expect(sealed.filter((s) => s.partition === 0 && s.times.length === keys.length)).toHaveLength(1);
    expect(sealed.reduce((n, s) => n + s.times.length, 0)).toBe(2 * keys.length);
    expect(linger.pendingHops).toBe(0);
  });

  it('seals at every chunk when the linger is 0', () => {
    const { linger, sealed } = setUp(0);
    linger.add(chunkOf(T0_US), P);
    expect(sealed.reduce((n, s) => n + s.times.length, 0)).toBe(keys.length);
    expect(linger.pendingHops).toBe(0);
  });
});
