// The agent in the tap's worker thread must stamp on the same timeline as the proxy thread that
// reads the hops' times: a worker's performance.timeOrigin is its own start, read from the wall
// clock again, so a clock built there would sit off the proxy's by whatever that second reading
// got wrong (a wall-clock step between the two, NTP slewing). Instead the proxy thread reads its
// clock and the monotonic clock together once, and the worker advances that reading by the
// monotonic clock (process.hrtime and performance.now are the same CLOCK_MONOTONIC).
import type { Clock } from '../common/clock.js';

export interface TimelineAnchor {
  /** The proxy thread's clock (agent timeline, µs) at `hrtimeNs`. */
  readonly timelineUs: number;
  readonly hrtimeNs: bigint;
}

export function timelineAnchor(clock: Clock): TimelineAnchor {
  return { hrtimeNs: process.hrtime.bigint(), timelineUs: clock.nowUs() };
}

export function anchoredClock(anchor: TimelineAnchor): Clock {
  return {
    nowUs: () => anchor.timelineUs + Number(process.hrtime.bigint() - anchor.hrtimeNs) / 1000,
    wallNowUs: () => Date.now() * 1000,
  };
}
