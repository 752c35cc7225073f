// A figure aggregate keeps every value through encoding, merging (sorted runs, merged rather
// than sorted) and retractions, or a sketch when exact values are off.
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../../collector/metrics/byte-codec.js';
import { FigureAggregate } from '../../../collector/metrics/figure-aggregate.js';
import { exactSummary } from '../../../collector/metrics/stats.js';

const EXACT = { values: true, sketch: false };

function stored(values: number[]): Uint8Array {
  const f = new FigureAggregate(EXACT);
  for (const v of values) f.add(v, 1);
  const w = new ByteWriter();
  f.encode(w);
  return w.bytes();
}

/** Pseudo-random microsecond values, 0.1 s to about 80 minutes, so that some need 8 bytes. */
function values(n: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 48_271) % 2_147_483_647;
    return 100_000 + (x % 5_000_000_000);
  });
}

describe('figure aggregate', () => {
  it('merges stored entries of any size into one sorted array, large ones as runs', () => {
    const parts = [values(40, 1), values(3, 2), values(200, 3), values(17, 4), [5, 5, 5]];
    const merged = new FigureAggregate(EXACT);
    for (const p of parts) merged.merge(new ByteReader(stored(p)));
    merged.add(42, 1);
    const expected = [...parts.flat(), 42].sort((a, b) => a - b);
    // Percentiles by binary search over the sorted runs, as selection over all values gives them.
    expect(merged.summary()).toEqual(exactSummary(Float64Array.from(expected), expected.length, expected.reduce((a, b) => a + b, 0)));
    expect([...merged.settle()]).toEqual(expected);
    expect(merged.n).toBe(expected.length);
    expect(merged.sum).toBe(expected.reduce((a, b) => a + b, 0));
  });

  it('keeps a retraction it cannot apply, and applies it when merged with the value', () => {
    const late = new FigureAggregate(EXACT);
    late.add(7_000_000, -1);
    late.add(9_000_000, 1);
    const w = new ByteWriter();
    late.encode(w);

    const month = new FigureAggregate(EXACT);
    month.merge(new ByteReader(stored([3_000_000, 7_000_000, 8_000_000])));
    month.merge(new ByteReader(w.bytes()));
    expect([...month.settle()]).toEqual([3_000_000, 8_000_000, 9_000_000]);
    expect(month.n).toBe(3);
    expect(month.summary()).toMatchObject({ count: 3, median: 8_000_000, min: 3_000_000, max: 9_000_000 });
  });

  it('keeps a sketch instead of the values when exact values are off', () => {
    const f = new FigureAggregate({ values: false, sketch: true });
    for (const v of values(1000, 9)) f.add(v, 1);
    const w = new ByteWriter();
    f.encode(w);
    const back = new FigureAggregate({ values: false, sketch: true });
    back.merge(new ByteReader(w.bytes()));
    const exact = values(1000, 9).sort((a, b) => a - b);
    const median = (exact[499]! + exact[500]!) / 2;
    expect(Math.abs(back.summary().median! - median) / median).toBeLessThanOrEqual(0.01);
    expect(back.summary().count).toBe(1000);
  });
});
