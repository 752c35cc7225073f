// The partitions this collector holds (proto/partition.ts): it joins, checkpoints and replays
// only their journeys, and takes in only their batches. One object shared by ingest and the
// joiner, changed between ticks by the partition handover (collector/ingest/partition-handover.ts).
import { allPartitions } from '../../proto/partition.js';

export interface HeldPartitions {
  /** The deployment's partition count. */
  readonly count: number;
  has(partition: number): boolean;
  /** Held partitions, ascending. */
  list(): number[];
  /** Whether every partition is held (the embedded default): batches without a partition are taken in then. */
  readonly all: boolean;
  add(partitions: Iterable<number>): void;
  delete(partitions: Iterable<number>): void;
}

export function createHeldPartitions(count: number, initial: Iterable<number> = allPartitions(count)): HeldPartitions {
  const held = new Uint8Array(count);
  let size = 0;
  const set = (partitions: Iterable<number>, value: 0 | 1) => {
    for (const p of partitions) {
      if (!(Number.isInteger(p) && p >= 0 && p < count)) throw new RangeError(`partition ${p} is not in 0..${count - 1}`);
      if (held[p] === value) continue;
      held[p] = value;
      size += value === 1 ? 1 : -1;
    }
  };
  set(initial, 1);
  return {
    count,
    has: (p) => held[p] === 1,
    list: () => allPartitions(count).filter((p) => held[p] === 1),
    get all() {
      return size === count;
    },
    add: (partitions) => set(partitions, 1),
    delete: (partitions) => set(partitions, 0),
  };
}
