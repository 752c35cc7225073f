// Holds each partition's hops until they fill a batch or the oldest has waited lingerMs, so that
// splitting by P partitions does not turn every flush of the recorder into P small batches. A
// batch costs the collector a log row, an MQTT message, an ack and two MACs whatever its size: an
// agent stamping 4,000 hops/s, flushing every 100 ms, sent 64 batches of 6 hops each per flush
// before; with a linger of 1 s it sends at most 64 batches a second, of 60 hops each.
//
// With one partition (the embedded default) or no linger, a chunk is sealed as it comes: it is
// as large as the recorder's flush makes it, and waiting longer would only delay it.
//
// Hops held here are in memory only, like the recorder's: they are lost if the process dies, at
// most lingerMs of them and never more than P × maxHops. Sealing copies them out of the chunk,
// which the recorder reuses once `add` returns.
import type { HopContext } from '../proto/hop-context.js';
import { partitionOfKey } from '../proto/partition.js';
import type { EncodableKey, HopColumns } from './batch-encoder.js';
import { splitByPartition } from './partition-split.js';

export interface PartitionLingerOptions {
  readonly lingerMs: number;
  /** A partition holding this many hops is sealed at once (the batch size). */
  readonly maxHops: number;
  readonly nowMs: () => number;
  /** Takes a partition's hops; they are valid only during the call. */
  readonly onSealed: (partition: number, hops: HopColumns) => void;
}

export interface PartitionLinger {
  /** Takes a sealed chunk split by `count` partitions; seals at once what fills a batch. */
  add(chunk: HopColumns, count: number): void;
  /** Seals every partition whose oldest hop has waited lingerMs (the agent's flush timer). */
  sealDue(): void;
  /** Seals everything held (flush, close, a caller waiting for its hops to be stored). */
  sealAll(): void;
  readonly pendingHops: number;
}

export function createPartitionLinger(options: PartitionLingerOptions): PartitionLinger {
  const { maxHops, lingerMs } = options;
  let waiting: (PartitionHops | undefined)[] = [];
  let waitingCount = 0;
  let pendingHops = 0;

  const seal = (p: number) => {
    const hops = waiting[p];
    if (hops === undefined || hops.length === 0) return;
    pendingHops -= hops.length;
    options.onSealed(p, hops);
    hops.clear();
  };

  const sealAll = () => {
    for (let p = 0; p < waiting.length; p++) seal(p);
  };

  return {
    add(chunk, count) {
      // Hops split by another count wait no longer: they go out by the count they were split by.
      if (count !== waitingCount) {
        sealAll();
        waiting = new Array<PartitionHops | undefined>(count);
        waitingCount = count;
      }
      if (count === 1 || lingerMs === 0) {
        for (const { partition, hops } of splitByPartition(chunk, count)) options.onSealed(partition, hops);
        return;
      }
      const now = options.nowMs();
      for (let i = 0; i < chunk.length; i++) {
        const p = partitionOfKey(chunk.keys[i]!, count);
        const hops = (waiting[p] ??= new PartitionHops());
        if (hops.length === 0) hops.since = now;
        hops.push(chunk, i);
        pendingHops++;
        if (hops.length >= maxHops) seal(p);
      }
    },
    sealDue() {
      const due = options.nowMs() - lingerMs;
      for (let p = 0; p < waiting.length; p++) {
        const hops = waiting[p];
        if (hops !== undefined && hops.length > 0 && hops.since <= due) seal(p);
      }
    },
    sealAll,
    get pendingHops() {
      return pendingHops;
    },
  };
}

/** One partition's waiting hops, in columns that grow as needed and are reused after each seal. */
class PartitionHops implements HopColumns {
  length = 0;
  since = 0;
  keys: EncodableKey[] = [];
  points = new Uint8Array(16);
  timesUs = new Float64Array(16);
  contexts: (HopContext | undefined)[] = [];

  push(from: HopColumns, i: number): void {
    const j = this.length++;
    if (j === this.points.length) this.grow();
    this.keys[j] = from.keys[i]!;
    this.points[j] = from.points[i]!;
    this.timesUs[j] = from.timesUs[i]!;
    this.contexts[j] = from.contexts[i];
  }

  clear(): void {
    this.length = 0;
    // Keys and contexts are dropped, so that a quiet partition does not keep objects alive.
    this.keys.length = 0;
    this.contexts.length = 0;
  }

  private grow(): void {
    const points = new Uint8Array(this.points.length * 2);
    points.set(this.points);
    const timesUs = new Float64Array(this.timesUs.length * 2);
    timesUs.set(this.timesUs);
    this.points = points;
    this.timesUs = timesUs;
  }
}
