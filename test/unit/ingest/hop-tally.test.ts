import { describe, expect, it } from 'vitest';
import { createHopTally } from '../../../collector/ingest/hop-tally.js';

const MINUTE = Date.parse('2026-11-29T01:00:00Z');

describe('hop tally', () => {
  it('adds batches and hops into the minute each batch arrived in, minutes in the order first met', () => {
    const tally = createHopTally();
    tally.add(MINUTE + 59_999, 10);
    tally.add(MINUTE + 60_000, 3);
    tally.add(MINUTE, 5);
    expect(tally.rows()).toEqual([{ minuteMs: MINUTE, batches: 2, hops: 15 }, { minuteMs: MINUTE + 60_000, batches: 1, hops: 3 }]);
  });

  it('has no rows before any batch', () => {
    expect(createHopTally().rows()).toEqual([]);
  });
});
