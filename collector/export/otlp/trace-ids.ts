// Trace and span ids of a journey, derived so that exporting the same journey again (an
// amendment by a late hop, a replay after a restart) gives the same ids, and a backend shows
// one trace that was updated rather than two.
//
// The seed is the correlation key and the journey's first hop as stamped (its agent and its
// time on that agent's clock, not the mapped time, which a later clock estimate may move):
// a late hop is appended after the stored ones, so the first hop stays first, while a counter
// reused for another journey has another first hop and so another trace.
import { createHash } from 'node:crypto';
import type { JourneyRecord } from '../../join/journey-record.js';

export interface JourneyIds {
  /** 16 bytes: the first half of SHA-256 of the seed. */
  readonly traceId: Uint8Array;
  /** 8 bytes. */
  readonly rootSpanId: Uint8Array;
  /** The span id of the segment from one point to the next (8 bytes). */
  segmentSpanId(from: string, to: string): Uint8Array;
}

function digest(text: string, bytes: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(text).digest().subarray(0, bytes));
}

/** What identifies a journey across its amendments (and tells a reused key's journeys apart). */
export function journeySeed(record: JourneyRecord): string {
  return `${record.key}|${record.hops.agentIds[0] ?? ''}|${record.hops.times[0] ?? record.startedUs}`;
}

export function journeyIds(record: JourneyRecord): JourneyIds {
  const seed = journeySeed(record);
  return {
    traceId: digest(seed, 16),
    rootSpanId: digest(`${seed}|journey`, 8),
    segmentSpanId: (from, to) => digest(`${seed}|${from}|${to}`, 8),
  };
}
