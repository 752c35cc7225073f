// The alerts and SRs the alert sequence measures follow per device (collector/metrics/
// alert-sequences.ts): one row per journey of a followed alert code or SRV.

export interface SequenceEvent {
  readonly key: string;
  /** Start of the journey (an alert's raising, an SR's receipt), microseconds since the Unix epoch. */
  readonly startedUs: number;
  /** The device: an alert's originator, an SR's target. */
  readonly device: string;
  /** The DCC User: an alert's recipient, an SR's originator. */
  readonly party: string;
  /** The alert code or SRV. */
  readonly code: string;
  /** An SR's outcome; an alert's delivery. */
  readonly success: boolean;
}

export interface SequenceEventStore {
  /** Inserts, or replaces the event with the same key and start. */
  noteEvents(events: readonly SequenceEvent[]): void;
  dropEvent(key: string, startedUs: number): void;
  /** Events of these codes started in [fromUs, toUs), ordered by device, then start. */
  events(codes: readonly string[], fromUs: number, toUs: number): SequenceEvent[];
}
