// Splits a sealed chunk of hops by partition (proto/partition.ts), so that each batch holds the
// keys of one partition and goes out on that partition's topic. Per chunk: one hash per hop
// (a few integer multiplies), and a chunk whose hops are all in one partition (one device, or
// P = 1) is passed on as it is, without copying.
import { withPartition } from '../proto/batch-partition.js';
import type { HopContext } from '../proto/hop-context.js';
import { partitionOfKey } from '../proto/partition.js';
import { encodeHops, type BatchHeader, type EncodableKey, type EncodedBatch, type HopColumns } from './batch-encoder.js';

export interface PartitionBatch extends EncodedBatch {
  readonly partition: number;
}

/** Encodes `cols` as encodeHops does, but into batches of one partition each, carrying it (Batch.partition). */
export function encodePartitionedHops(cols: HopColumns, count: number, maxHops: number, header: () => BatchHeader): PartitionBatch[] {
  return splitByPartition(cols, count).flatMap(({ partition, hops }) => encodePartition(partition, hops, maxHops, header));
}

/** Encodes hops that are all in `partition` into batches carrying it. */
export function encodePartition(partition: number, hops: HopColumns, maxHops: number, header: () => BatchHeader): PartitionBatch[] {
  return encodeHops(hops, maxHops, header).map((b) => ({ seq: b.seq, hops: b.hops, partition, bytes: withPartition(b.bytes, partition) }));
}

export interface PartitionHops {
  readonly partition: number;
  readonly hops: HopColumns;
}

/** The chunk's hops grouped by partition, each group in the chunk's order, partitions ascending. */
export function splitByPartition(cols: HopColumns, count: number): PartitionHops[] {
  const n = cols.length;
  if (n === 0) return [];
  if (count === 1) return [{ partition: 0, hops: cols }];
  const of = new Uint16Array(n);
  const sizes = new Uint32Array(count);
  for (let i = 0; i < n; i++) sizes[(of[i] = partitionOfKey(cols.keys[i]!, count))]!++;
  if (sizes[of[0]!] === n) return [{ partition: of[0]!, hops: cols }];

  const groups: Group[] = [];
  const byPartition = new Array<Group | undefined>(count);
  for (let p = 0; p < count; p++) {
    if (sizes[p] === 0) continue;
    const size = sizes[p]!;
    const g = new Group(p, size);
    byPartition[p] = g;
    groups.push(g);
  }
  for (let i = 0; i < n; i++) byPartition[of[i]!]!.push(cols, i);
  return groups.map((g) => ({ partition: g.partition, hops: g }));
}

/** One partition's hops in columns of their own (the encoder reads them as it reads a chunk). */
class Group implements HopColumns {
  length = 0;
  readonly keys: EncodableKey[];
  readonly points: Uint8Array;
  readonly timesUs: Float64Array;
  readonly contexts: (HopContext | undefined)[];

  constructor(readonly partition: number, size: number) {
    this.keys = new Array<EncodableKey>(size);
    this.points = new Uint8Array(size);
    this.timesUs = new Float64Array(size);
    this.contexts = new Array<HopContext | undefined>(size);
  }

  push(from: HopColumns, i: number): void {
    const j = this.length++;
    this.keys[j] = from.keys[i]!;
    this.points[j] = from.points[i]!;
    this.timesUs[j] = from.timesUs[i]!;
    this.contexts[j] = from.contexts[i];
  }
}
