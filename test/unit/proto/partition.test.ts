import { describe, expect, it } from 'vitest';
import { parseCorrelationKey } from '../../../proto/correlation-key.js';
import { allPartitions, isPartitionCount, partitionOf, partitionOfKey } from '../../../proto/partition.js';

const USER = { hi: 0x90b3d51f, lo: 0x30010000 };
const DEVICE = { hi: 0x00db1234, lo: 0x567890a0 };

describe('partitionOf', () => {
  // Agents and collectors of different builds must agree forever: these values are the contract.
  it('gives the pinned partitions for known keys and counts', () => {
    expect(partitionOf(USER.hi, USER.lo, DEVICE.hi, DEVICE.lo, 64)).toBe(0);
    expect(partitionOf(USER.hi, USER.lo, DEVICE.hi, DEVICE.lo, 7)).toBe(5);
    expect(partitionOf(USER.hi, USER.lo, DEVICE.hi, DEVICE.lo, 4096)).toBe(3712);
    expect(partitionOf(0, 0, 0, 0, 64)).toBe(59);
    expect(partitionOf(0xffffffff, 0xffffffff, 1, 2, 64)).toBe(55);
  });

  it('puts a device\'s requests from a User and its alerts to that User in one partition', () => {
    const request = partitionOf(USER.hi, USER.lo, DEVICE.hi, DEVICE.lo, 64);
    const alert = partitionOf(DEVICE.hi, DEVICE.lo, USER.hi, USER.lo, 64);
    expect(alert).toBe(request);
  });

  it('reads EUI-64 halves held as signed 32-bit integers as the unsigned ones', () => {
    expect(partitionOf(USER.hi | 0, USER.lo, DEVICE.hi, DEVICE.lo, 64)).toBe(partitionOf(USER.hi, USER.lo, DEVICE.hi, DEVICE.lo, 64));
  });

  it('does not depend on the counter: every use of a key goes to the same partition', () => {
    const a = parseCorrelationKey('90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1');
    const b = parseCorrelationKey('90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:18446744073709551615');
    if ('error' in a || 'error' in b) throw new Error('bad test key');
    const flat = (k: typeof a) => ({ originatorHi: k.originator.hi, originatorLo: k.originator.lo, targetHi: k.target.hi, targetLo: k.target.lo });
    expect(partitionOfKey(flat(a), 64)).toBe(partitionOfKey(flat(b), 64));
  });

  it('spreads the devices of one User evenly over the partitions', () => {
    const count = 64;
    const devices = 64_000;
    const perPartition = new Array<number>(count).fill(0);
    // Devices of one manufacturer: consecutive EUI-64s under one prefix, the hardest case for a weak hash.
    for (let d = 0; d < devices; d++) perPartition[partitionOf(USER.hi, USER.lo, DEVICE.hi, DEVICE.lo + d, count)]!++;
    const expected = devices / count;
    // Chi-square with 63 degrees of freedom: 110 is beyond the 99.9th percentile of a uniform spread.
    const chiSquare = perPartition.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(110);
    expect(Math.min(...perPartition)).toBeGreaterThan(expected * 0.85);
  });

  it('answers a partition below the count for any count', () => {
    for (const count of [1, 2, 3, 64, 1000, 4096]) {
      for (let d = 0; d < 100; d++) {
        const p = partitionOf(d * 7919, d, DEVICE.hi, d * 104_729, count);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(count);
      }
    }
  });
});

describe('partition counts', () => {
  it('accepts whole counts from 1 to 4096 and nothing else', () => {
    expect([1, 64, 4096].every(isPartitionCount)).toBe(true);
    expect([0, -1, 4097, 1.5, '64', undefined].some(isPartitionCount)).toBe(false);
  });

  it('lists every partition of a count', () => {
    expect(allPartitions(4)).toEqual([0, 1, 2, 3]);
  });
});
