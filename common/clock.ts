// Agent and collector time: the wall clock is read once (the process's time origin); every later
// reading advances it by the monotonic clock, so an NTP step or a manual change of
// the system clock can never bend an interval. Time sync with the collector maps this
// timeline onto the collector's.
import { performance } from 'node:perf_hooks';

export interface Clock {
  /** Microseconds since the Unix epoch on this agent's timeline (fractions allowed). */
  nowUs(): number;
  /** The system wall clock now, microseconds; only compared with nowUs() to notice steps. */
  wallNowUs(): number;
}

export function createMonotonicClock(): Clock {
  const originMs = performance.timeOrigin;
  return { nowUs: () => (originMs + performance.now()) * 1000, wallNowUs: () => Date.now() * 1000 };
}
