// Proactive alerting's memory (collector/alerting/alert-states.ts): the state of every series
// (a rule and one set of labels) and the history of their transitions, so that a restart
// neither forgets what fired nor fires again what was already firing. One collector per store
// evaluates the rules: event ids are the evaluator's, ascending.

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface AlertSeriesState {
  /** The series' identity (rule and sorted labels), as alert-states.ts builds it. */
  readonly key: string;
  readonly rule: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: AlertState;
  /** When the series entered its state. */
  readonly sinceMs: number;
  /** When it last started firing, and when that ended. */
  readonly startsAtMs: number | null;
  readonly endsAtMs: number | null;
  readonly value: number | null;
}

export interface AlertEvent {
  readonly id: number;
  readonly atMs: number;
  readonly rule: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly from: AlertState | null;
  readonly to: AlertState;
  readonly value: number | null;
}

export interface AlertHistoryChange {
  /** New transitions, ids ascending and above every stored one. */
  readonly events: readonly AlertEvent[];
  /** Series whose state changed: stored as given, replacing the stored state of the same key. */
  readonly series: readonly AlertSeriesState[];
  /** Keys of series no longer tracked. */
  readonly forgotten: readonly string[];
}

export interface AlertHistoryStore {
  /** Applies a change in one transaction (all of it or none), then keeps only the newest `keepEvents` events. */
  save(change: AlertHistoryChange, keepEvents: number): void;
  /** The newest `limit` events, newest first. */
  events(limit: number): AlertEvent[];
  /** Every stored series, in key order. */
  series(): AlertSeriesState[];
}
