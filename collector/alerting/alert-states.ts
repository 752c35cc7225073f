// The state of every series (a rule and one set of labels) and the history of its changes.
//   (none) or resolved --condition holds--> pending --held for forSeconds--> firing
//   pending --condition stops--> resolved (never fired: nothing is notified)
//   firing  --condition stops--> resolved (notified)
// A series the rule no longer reports has stopped holding. Series resolved for longer than
// RESOLVED_KEEP_MS are forgotten; at most maxSeries are tracked (more are counted, not
// tracked); the history keeps the last historyLimit changes.
// With a store, states and history are loaded from it at start and each evaluation's changes
// are saved after it (save()); a change the store refused stays queued for the next save,
// at most historyLimit events (older ones are dropped and counted), so memory stays the truth
// while the database is away and the store catches up when it is back.
import type { AlertEvent, AlertHistoryStore, AlertSeriesState, AlertState } from '../store/ports/alert-history.js';
import type { Observation } from './rule-checks.js';

export type { AlertEvent, AlertState };

export interface RuleInfo {
  readonly name: string;
  readonly forSeconds?: number;
}

export interface Series {
  readonly rule: string;
  readonly labels: Readonly<Record<string, string>>;
  state: AlertState;
  /** When the series entered its state. */
  sinceMs: number;
  /** When it last started firing (Alertmanager's startsAt). */
  startsAtMs: number | null;
  endsAtMs: number | null;
  value: number | null;
}

export interface AlertStates {
  /** Applies one evaluation of a rule; answers the series that started firing or resolved after firing. */
  apply(rule: RuleInfo, observations: readonly Observation[], nowMs: number): { fired: Series[]; resolved: Series[] };
  series(rule?: string): Series[];
  events(limit: number): AlertEvent[];
  readonly firing: number;
  /** Series not tracked because maxSeries were. */
  readonly untracked: number;
  /** Writes the changes since the last save to the store (none: nothing to do); throws what the store threw, keeping them queued. */
  save(): void;
  /** Events dropped from the save queue while the store refused them. */
  readonly unsavedDropped: number;
}

const RESOLVED_KEEP_MS = 3_600_000;

export const seriesKey = (rule: string, labels: Readonly<Record<string, string>>) =>
  `${rule}\u0001${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\u0001')}`;

export interface AlertStatesOptions {
  readonly historyLimit: number;
  readonly maxSeries: number;
  readonly store?: AlertHistoryStore;
  /** The rules configured now: stored series of any other rule are forgotten at start. */
  readonly rules?: ReadonlySet<string>;
}

export function createAlertStates(options: AlertStatesOptions): AlertStates {
  const { store } = options;
  const all = new Map<string, Series>();
  const history: AlertEvent[] = store?.events(options.historyLimit).reverse() ?? [];
  let nextId = (history[history.length - 1]?.id ?? 0) + 1;
  let untracked = 0;
  // What the next save writes.
  const unsaved: AlertEvent[] = [];
  const dirty = new Set<string>();
  const forgotten = new Set<string>();
  let unsavedDropped = 0;
  for (const x of store?.series() ?? []) {
    if (options.rules && !options.rules.has(x.rule)) forgotten.add(x.key);
    else all.set(x.key, seriesOf(x));
  }

  const move = (s: Series, to: AlertState, nowMs: number, from: AlertState | null = s.state) => {
    const event = { id: nextId++, atMs: nowMs, rule: s.rule, labels: s.labels, from, to, value: s.value };
    history.push(event);
    if (history.length > options.historyLimit) history.splice(0, history.length - options.historyLimit);
    s.state = to;
    s.sinceMs = nowMs;
    if (!store) return;
    unsaved.push(event);
    if (unsaved.length > options.historyLimit) unsavedDropped += unsaved.splice(0, unsaved.length - options.historyLimit).length;
    const key = seriesKey(s.rule, s.labels);
    dirty.add(key);
    forgotten.delete(key);
  };

  /** The series of an active observation, pending from now if it was not already pending or firing. */
  const activeSeries = (rule: RuleInfo, key: string, o: Observation, nowMs: number): Series | undefined => {
    let s = all.get(key);
    if (!s) {
      if (all.size >= options.maxSeries) {
        untracked++;
        return undefined;
      }
      all.set(key, (s = { rule: rule.name, labels: o.labels, state: 'pending', sinceMs: nowMs, startsAtMs: null, endsAtMs: null, value: o.value }));
      move(s, 'pending', nowMs, null);
    } else if (s.state === 'resolved') {
      move(s, 'pending', nowMs);
    }
    return s;
  };

  return {
    apply(rule, observations, nowMs) {
      const fired: Series[] = [];
      const resolved: Series[] = [];
      const holdMs = (rule.forSeconds ?? 0) * 1000;
      const holding = new Set<string>();
      for (const o of observations) {
        const key = seriesKey(rule.name, o.labels);
        const known = all.get(key);
        if (known) known.value = o.value;
        if (!o.active) continue;
        const s = activeSeries(rule, key, o, nowMs);
        if (!s) continue;
        holding.add(key);
        if (s.state === 'pending' && nowMs - s.sinceMs >= holdMs) {
          move(s, 'firing', nowMs);
          s.startsAtMs = nowMs;
          s.endsAtMs = null;
          fired.push(s);
        }
      }
      for (const [key, s] of all) {
        if (s.rule !== rule.name || holding.has(key)) continue;
        if (s.state === 'firing') {
          move(s, 'resolved', nowMs);
          s.endsAtMs = nowMs;
          resolved.push(s);
        } else if (s.state === 'pending') {
          move(s, 'resolved', nowMs);
        } else if (nowMs - s.sinceMs > RESOLVED_KEEP_MS) {
          all.delete(key);
          if (store) {
            dirty.delete(key);
            forgotten.add(key);
          }
        }
      }
      return { fired, resolved };
    },
    series: (rule) => [...all.values()].filter((s) => rule === undefined || s.rule === rule),
    events: (limit) => history.slice(-limit).reverse(),
    get firing() {
      let n = 0;
      for (const s of all.values()) if (s.state === 'firing') n++;
      return n;
    },
    get untracked() {
      return untracked;
    },
    save() {
      if (!store || (unsaved.length === 0 && dirty.size === 0 && forgotten.size === 0)) return;
      // Ids are contiguous, so the store keeps as many as memory does; a dropped gap only shortens it.
      store.save({ events: unsaved, series: [...dirty].map((key) => stateOf(key, all.get(key)!)), forgotten: [...forgotten] }, options.historyLimit);
      unsaved.length = 0;
      dirty.clear();
      forgotten.clear();
    },
    get unsavedDropped() {
      return unsavedDropped;
    },
  };
}

const seriesOf = (x: AlertSeriesState): Series => ({ rule: x.rule, labels: x.labels, state: x.state, sinceMs: x.sinceMs, startsAtMs: x.startsAtMs, endsAtMs: x.endsAtMs, value: x.value });
const stateOf = (key: string, s: Series): AlertSeriesState => ({ key, rule: s.rule, labels: s.labels, state: s.state, sinceMs: s.sinceMs, startsAtMs: s.startsAtMs, endsAtMs: s.endsAtMs, value: s.value });
