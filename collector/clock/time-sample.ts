// One four-timestamp exchange between an agent and the collector (RFC 5905 §8):
// t1 agent sends, t2 collector receives, t3 collector answers, t4 agent receives.

export interface TimeSample {
  readonly t1Us: number;
  readonly t2Us: number;
  readonly t3Us: number;
  readonly t4Us: number;
}

/** Collector clock minus agent clock, at the exchange's midpoint. */
export function offsetOf(s: TimeSample): number {
  return (s.t2Us - s.t1Us + (s.t3Us - s.t4Us)) / 2;
}

/** Round-trip network delay: the true offset lies within offset ± delay / 2. */
export function delayOf(s: TimeSample): number {
  return s.t4Us - s.t1Us - (s.t3Us - s.t2Us);
}

/** Agent time of the exchange's midpoint. */
export function agentMidpointOf(s: TimeSample): number {
  return (s.t1Us + s.t4Us) / 2;
}
