import { describe, expect, it } from 'vitest';
import { createPartitionSubscriptions } from '../../../collector/broker/partition-subscriptions.js';
import { createHeldPartitions } from '../../../collector/join/held-partitions.js';

describe('partition subscriptions of a broker link', () => {
  it('holds every partition by default: every hops topic, with version 1\'s', () => {
    const subs = createPartitionSubscriptions(3);
    expect(subs.topics()).toEqual(['hopwatch/v2/+/hops/+', 'hopwatch/v1/+/hops']);
    expect(subs.partitions()).toEqual([0, 1, 2]);
  });

  it('changes only the topics of partitions not already in the state asked for', () => {
    const subs = createPartitionSubscriptions(4, [1]);
    expect(subs.add([1, 2, 2])).toEqual({ subscribe: ['hopwatch/v2/+/hops/2'], unsubscribe: [] });
    expect(subs.remove([0, 2])).toEqual({ subscribe: [], unsubscribe: ['hopwatch/v2/+/hops/2'] });
    expect(subs.partitions()).toEqual([1]);
  });

  it('takes every hops topic on with the last partition, and goes back to one topic each with the first one released', () => {
    const subs = createPartitionSubscriptions(3, [0, 2]);
    expect(subs.add([1])).toEqual({
      subscribe: ['hopwatch/v2/+/hops/+', 'hopwatch/v1/+/hops'],
      unsubscribe: ['hopwatch/v2/+/hops/0', 'hopwatch/v2/+/hops/2'],
    });
    expect(subs.remove([0])).toEqual({
      subscribe: ['hopwatch/v2/+/hops/1', 'hopwatch/v2/+/hops/2'],
      unsubscribe: ['hopwatch/v2/+/hops/+', 'hopwatch/v1/+/hops'],
    });
    expect(subs.topics()).toEqual(['hopwatch/v2/+/hops/1', 'hopwatch/v2/+/hops/2']);
  });

  it('refuses a partition outside the count', () => {
    const subs = createPartitionSubscriptions(2, []);
    expect(() => subs.add([2])).toThrow(RangeError);
    expect(() => subs.add([-1])).toThrow(RangeError);
  });
});

describe('held partitions', () => {
  it('tells whether it holds a partition, and all of them', () => {
    const held = createHeldPartitions(3, [0, 2]);
    expect([held.has(0), held.has(1), held.all, held.list()]).toEqual([true, false, false, [0, 2]]);
    held.add([1, 1]);
    expect([held.all, held.list()]).toEqual([true, [0, 1, 2]]);
    held.delete([0]);
    expect([held.all, held.list()]).toEqual([false, [1, 2]]);
    expect(() => held.add([3])).toThrow(RangeError);
  });
});
