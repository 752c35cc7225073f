// Hops and batches received per minute: what the dashboard draws as hops/s over the last hour,
// day or week. Ingest adds one tick's counts at the end of the tick (a row per minute the tick's
// batches arrived in, usually one), in the tick's transaction, so a batch is counted once,
// when it is first logged; a resend is not counted again. One row per minute is about half a
// million rows a year: nothing prunes it.

export interface HopMinute {
  /** UTC ms of the minute's start (a multiple of 60,000). */
  readonly minuteMs: number;
  readonly batches: number;
  readonly hops: number;
}

export interface HopMinuteStore {
  /** Adds each minute's counts to what that minute already holds. */
  addHopMinutes(minutes: readonly HopMinute[]): void;
  /** Minutes in [fromMs, toMs) that received anything, in time order. */
  hopMinutesBetween(fromMs: number, toMs: number): HopMinute[];
}
