import { describe, expect, it } from 'vitest';
import { journeyKey, type JourneyKey } from '../../../agent/journey-key.js';
import type { HopContext } from '../../../proto/hop-context.js';
import { HopPoint } from '../../../proto/hop-point.js';
import { createStampRingBuffer, stampRingReader, stampRingWriter } from '../../../tap/stamp-ring.js';

interface Read {
  key: string;
  point: number;
  timeUs: number;
  context: HopContext | undefined;
}

const KEY = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:';

function drainAll(reader: ReturnType<typeof stampRingReader>): Read[] {
  const out: Read[] = [];
  reader.drain((key: JourneyKey, point, timeUs, context) => out.push({ key: key.toString(), point, timeUs, context }));
  return out;
}

describe('stamp ring', () => {
  it('hands the reader each hop as written: key, point, time and context', () => {
    const buffer = createStampRingBuffer(8);
    const writer = stampRingWriter(buffer);
    const big = journeyKey(`${KEY}18446744073709551615`);

    writer.push(journeyKey(`${KEY}1795000000001`), HopPoint.UG_IN, 1_795_000_000_000_123.5, { srv: '11.22.33.44' });
    writer.push(big, HopPoint.UG_ACK, 1_795_000_000_000_456, { code: 'ABC1234' });
    writer.push(big, HopPoint.UG_OUT, 1_795_000_000_000_789, undefined);

    expect(drainAll(stampRingReader(buffer))).toEqual([
      { key: `${KEY}1795000000001`, point: HopPoint.UG_IN, timeUs: 1_795_000_000_000_123.5, context: { srv: '11.22.33.44' } },
      { key: `${KEY}18446744073709551615`, point: HopPoint.UG_ACK, timeUs: 1_795_000_000_000_456, context: { code: 'ABC1234' } },
      { key: `${KEY}18446744073709551615`, point: HopPoint.UG_OUT, timeUs: 1_795_000_000_000_789, context: undefined },
    ]);
  });

  it('refuses a hop once it holds its capacity, and takes hops again after a drain, across the wrap', () => {
    const buffer = createStampRingBuffer(3);
    const writer = stampRingWriter(buffer);
    const reader = stampRingReader(buffer);
    const key = journeyKey(`${KEY}1`);
    const times: number[] = [];

    for (let round = 0; round < 4; round++) {
      const pushed = [1, 2, 3, 4].map((i) => writer.push(key, HopPoint.UG_IN, round * 10 + i, undefined));
      expect(pushed).toEqual([true, true, true, false]);
      expect(writer.queued).toBe(3);
      times.push(...drainAll(reader).map((r) => r.timeUs));
      expect(reader.queued).toBe(0);
    }

    expect(writer.capacity).toBe(3);
    expect(times).toEqual([1, 2, 3, 11, 12, 13, 21, 22, 23, 31, 32, 33]);
  });

  it('gives hops with the same SRV and code one shared context object', () => {
    const buffer = createStampRingBuffer(4);
    const writer = stampRingWriter(buffer);
    const key = journeyKey(`${KEY}1`);
    writer.push(key, HopPoint.UG_OUT, 1, { srv: '4.8.1', code: 'I0' });
    writer.push(key, HopPoint.UG_OUT, 2, { srv: '4.8.1', code: 'I0' });

    const [a, b] = drainAll(stampRingReader(buffer));

    expect(a!.context).toEqual({ srv: '4.8.1', code: 'I0' });
    expect(b!.context).toBe(a!.context);
  });

  it('throws rather than cut a field longer than a hop carries, and writes nothing', () => {
    const buffer = createStampRingBuffer(4);
    const writer = stampRingWriter(buffer);

    expect(() => writer.push(journeyKey(`${KEY}1`), HopPoint.UG_IN, 1, { srv: '123.456.789.1' })).toThrow(/srv "123.456.789.1" is longer than the 11 characters/);
    expect(writer.queued).toBe(0);
  });
});
