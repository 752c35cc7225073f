// The state of every series (a rule and one set of labels) and the history of its changes.
//   (none) or resolved --condition holds--> pending --held for forSeconds--> firing
//   pending --condition stops--> resolved (never fired: nothing is notified)
//   firing  --condition stops--> resolved (notified)
// A series the rule no longer reports has stopped holding. Series resolved for longer than
// RESOLVED_KEEP_MS are forgotten; at most maxSeries are tracked (more are counted, not
// tracked); the history keeps the last historyLimit changes.
import type { Observation } from './rule-checks.js';

export type AlertState = 'pending' | 'firing' | 'resolved';

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

export interface AlertEvent {
  readonly id: number;
  readonly atMs: number;
  readonly rule: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly from: AlertState | null;
  readonly to: AlertState;
  readonly value: number | null;
}

export interface AlertStates {
  /** Applies one evaluation of a rule; answers the series that started firing or resolved after firing. */
  apply(rule: RuleInfo, observations: readonly Observation[], nowMs: number): { fired: Series[]; resolved: Series[] };
  series(rule?: string): Series[];
  events(limit: number): AlertEvent[];
  readonly firing: number;
  /** Series not tracked because maxSeries were. */
  readonly untracked: number;
}

const RESOLVED_KEEP_MS = 3_600_000;

export const seriesKey = (rule: string, labels: Readonly<Record<string, string>>) =>
  `${rule}\u0001${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join('\u0001')}`;

export function createAlertStates(options: { historyLimit: number; maxSeries: number }): AlertStates {
  const all = new Map<string, Series>();
  const history: AlertEvent[] = [];
  let nextId = 1;
  let untracked = 0;

  const move = (s: Series, to: AlertState, nowMs: number, from: AlertState | null = s.state) => {
    history.push({ id: nextId++, atMs: nowMs, rule: s.rule, labels: s.labels, from, to, value: s.value });
    if (history.length > options.historyLimit) history.splice(0, history.length - options.historyLimit);
    s.state = to;
    s.sinceMs = nowMs;
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
  };
}
