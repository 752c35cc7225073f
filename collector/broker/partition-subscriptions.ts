// Which hops topics a broker link is subscribed to. While it holds every partition: every hops
// topic (hopwatch/v2/+/hops/+) and version 1's, since a version-1 batch names no partition, and
// an agent that split by another count before it heard this deployment's (proto/cluster-info.ts)
// may have used any partition topic: a collector holding them all takes in each batch by its keys
// (ingest.ts). Otherwise one topic per held partition (hopwatch/v2/+/hops/<p>).
// Both links (embedded, external) keep their subscriptions here and differ only in how they
// send them to the broker: first what to subscribe to, then what to drop, so nothing is missed.
import { allPartitions } from '../../proto/partition.js';
import { legacyTopics, topics } from '../../proto/topics.js';

export interface SubscriptionChange {
  readonly subscribe: string[];
  readonly unsubscribe: string[];
}

export interface PartitionSubscriptions {
  /** The topic changes that adding these partitions needs (applied to the held set at once). */
  add(partitions: readonly number[]): SubscriptionChange;
  remove(partitions: readonly number[]): SubscriptionChange;
  /** Every topic currently held: what a new connection subscribes to. */
  topics(): string[];
  partitions(): number[];
}

export function createPartitionSubscriptions(count: number, initial: readonly number[] = allPartitions(count)): PartitionSubscriptions {
  const held = new Set<number>();
  const check = (partitions: readonly number[]) => {
    for (const p of partitions) if (!(Number.isInteger(p) && p >= 0 && p < count)) throw new RangeError(`partition ${p} is not in 0..${count - 1}`);
  };
  const topicsHeld = (): string[] => (held.size === count
    ? [topics.allHops, legacyTopics.allHops]
    : [...held].sort((a, b) => a - b).map(topics.partitionHops));
  const change = (partitions: readonly number[], adding: boolean): SubscriptionChange => {
    check(partitions);
    const before = new Set(topicsHeld());
    for (const p of partitions) {
      if (adding) held.add(p);
      else held.delete(p);
    }
    const after = topicsHeld();
    const kept = new Set(after);
    return { subscribe: after.filter((t) => !before.has(t)), unsubscribe: [...before].filter((t) => !kept.has(t)) };
  };
  change(initial, true);
  return {
    add: (partitions) => change(partitions, true),
    remove: (partitions) => change(partitions, false),
    topics: topicsHeld,
    partitions: () => [...held].sort((a, b) => a - b),
  };
}
