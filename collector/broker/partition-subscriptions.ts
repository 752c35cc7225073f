// Which hops topics a broker link is subscribed to: one per held partition
// (hopwatch/v2/+/hops/<p>), and version 1's hops topic while every partition is held, since a
// version-1 batch names no partition and only a collector holding them all may take it in.
// Both links (embedded, external) keep their subscriptions here and differ only in how they
// send them to the broker.
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
  const change = (partitions: readonly number[], adding: boolean): SubscriptionChange => {
    check(partitions);
    const wasAll = held.size === count;
    const changed: string[] = [];
    for (const p of new Set(partitions)) {
      if (held.has(p) === adding) continue;
      if (adding) held.add(p);
      else held.delete(p);
      changed.push(topics.partitionHops(p));
    }
    const isAll = held.size === count;
    if (isAll && !wasAll) changed.push(legacyTopics.allHops);
    if (wasAll && !isAll) changed.push(legacyTopics.allHops);
    return adding ? { subscribe: changed, unsubscribe: [] } : { subscribe: [], unsubscribe: changed };
  };
  change(initial, true);
  return {
    add: (partitions) => change(partitions, true),
    remove: (partitions) => change(partitions, false),
    topics: () => [...[...held].sort((a, b) => a - b).map(topics.partitionHops), ...(held.size === count ? [legacyTopics.allHops] : [])],
    partitions: () => [...held].sort((a, b) => a - b),
  };
}
