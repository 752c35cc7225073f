// Each member's share of the partitions: the shares add up to the partition count, differ by at
// most one, and depend only on the member list.
import { describe, expect, it } from 'vitest';
import { fairShare } from '../../../collector/cluster/fair-share.js';

const shares = (partitions: number, members: readonly string[]) => members.map((m) => fairShare(partitions, members, m));

describe('fairShare', () => {
  it('gives the one remaining partition of 64 among 3 to the first member in code-point order', () => {
    expect(shares(64, ['a', 'b', 'c'])).toEqual([22, 21, 21]);
  });

  it('splits 64 partitions evenly among 4 members', () => {
    expect(shares(64, ['a', 'b', 'c', 'd'])).toEqual([16, 16, 16, 16]);
  });

  it('adds up to the partition count and differs by at most one for any number of members', () => {
    for (let n = 1; n <= 70; n++) {
      const members = Array.from({ length: n }, (_, i) => `m${String(i).padStart(2, '0')}`);
      const s = shares(64, members);
      expect(s.reduce((a, b) => a + b, 0)).toBe(64);
      expect(Math.max(...s) - Math.min(...s)).toBeLessThanOrEqual(1);
    }
  });

  it('gives nothing to a member missing from the list', () => {
    expect(fairShare(64, ['a', 'b'], 'z')).toBe(0);
  });
});
