// One tick's hops and batches per minute of arrival, gathered per batch and written once at the
// end of the tick (collector/store/ports/hop-minutes.ts).
import type { HopMinute } from '../store/ports/hop-minutes.js';

const MINUTE_MS = 60_000;

export interface HopTally {
  add(receivedAtMs: number, hops: number): void;
  /** The minutes counted so far, in the order first met. */
  rows(): HopMinute[];
}

export function createHopTally(): HopTally {
  const minutes = new Map<number, { minuteMs: number; batches: number; hops: number }>();
  return {
    add(receivedAtMs, hops) {
      const minuteMs = Math.floor(receivedAtMs / MINUTE_MS) * MINUTE_MS;
      const m = minutes.get(minuteMs);
      if (m === undefined) minutes.set(minuteMs, { minuteMs, batches: 1, hops });
      else {
        m.batches++;
        m.hops += hops;
      }
    },
    rows: () => [...minutes.values()],
  };
}
