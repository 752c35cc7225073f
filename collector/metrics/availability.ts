// Service availability by CSP region (MP122 Requirement 3), from evidence per minute:
//   maintenance  a planned maintenance window declared for the region (or all) covers it;
//                excluded from the calculation (SEC H8.4, as MP122 asks)
//   unknown      no probe of the region was alive: probe silence is not an outage
//   down         at least `minRequestsPerMinute` requests started and none was answered, in a
//                run of such minutes at least `minOutageMinutes` long (a lack of completed
//                journeys where requests are still being sent, MP122 §3.2.3; an error response
//                such as E1–E19 is an answer, so it does not make a minute down)
//   up           otherwise
// Availability % = uptime / (uptime + unplanned downtime) (MP122 Requirement 3, "Measuring
// Service downtime"); downtime is counted in minutes and shown in hours; everything is split
// into the time-of-day bands of time-bands.ts.
import type { Calendar } from './calendar.js';
import { TIME_BANDS, TIME_BAND_LABELS, timeBandOf, type TimeBand } from './time-bands.js';

export const MINUTE_MS = 60_000;

export type MinuteState = 'up' | 'down' | 'unknown' | 'maintenance';

export interface AvailabilityRule {
  readonly minRequestsPerMinute: number;
  readonly minOutageMinutes: number;
}

export interface Interval {
  readonly fromMs: number;
  readonly toMs: number;
}

export interface RegionEvidence {
  readonly fromMs: number;
  readonly toMs: number;
  /** Requests started and requests answered, per minute start (UTC ms). */
  readonly activity: ReadonlyMap<number, { readonly requests: number; readonly answered: number }>;
  /** When some probe of the region was alive. */
  readonly observed: readonly Interval[];
  readonly maintenance: readonly Interval[];
}

export interface Downtime {
  readonly minutes: number;
  readonly upMinutes: number;
  readonly downMinutes: number;
  readonly unknownMinutes: number;
  readonly maintenanceMinutes: number;
  readonly availabilityPct: number | null;
  /** Share of the minutes outside maintenance that a probe observed (up or down, not unknown):
   *  an availability of 100 % over 0.1 % observed minutes says almost nothing. */
  readonly observedPct: number | null;
  /** Down minutes in hours, rounded to two places (MP122's example truncates 235 min to 3.91 h; rounded it is 3.92). */
  readonly downtimeHours: number;
}

export interface AvailabilitySummary extends Downtime {
  readonly bands: readonly ({ readonly band: TimeBand; readonly label: string } & Downtime)[];
  readonly days: readonly ({ readonly date: string } & Downtime)[];
  readonly outages: readonly { readonly from: string; readonly to: string; readonly minutes: number }[];
}

export interface ClassifiedMinutes {
  readonly fromMs: number;
  readonly states: readonly MinuteState[];
}

/** Each minute's state before the run rule: a 'down' here is only a candidate. */
function evidenceStates(e: RegionEvidence, rule: AvailabilityRule): MinuteState[] {
  const n = Math.max(0, Math.ceil((e.toMs - e.fromMs) / MINUTE_MS));
  const covered = (intervals: readonly Interval[]) => {
    const marks = new Uint8Array(n);
    for (const iv of intervals) {
      const first = Math.max(0, Math.floor((iv.fromMs - e.fromMs) / MINUTE_MS));
      const last = Math.min(n, Math.ceil((iv.toMs - e.fromMs) / MINUTE_MS));
      for (let i = first; i < last; i++) marks[i] = 1;
    }
    return marks;
  };
  const maintenance = covered(e.maintenance);
  const observed = covered(e.observed);
  const states: MinuteState[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const a = e.activity.get(e.fromMs + i * MINUTE_MS);
    if (maintenance[i]) states[i] = 'maintenance';
    else if (!observed[i]) states[i] = 'unknown';
    else states[i] = a !== undefined && a.requests > 0 && a.requests >= rule.minRequestsPerMinute && a.answered === 0 ? 'down' : 'up';
  }
  return states;
}

/** A run of candidate minutes shorter than minOutageMinutes is noise: up. */
function applyRunRule(states: MinuteState[], minOutageMinutes: number): MinuteState[] {
  const n = states.length;
  for (let i = 0; i < n;) {
    if (states[i] !== 'down') {
      i++;
      continue;
    }
    let j = i;
    while (j < n && states[j] === 'down') j++;
    if (j - i < minOutageMinutes) for (let k = i; k < j; k++) states[k] = 'up';
    i = j;
  }
  return states;
}

/** Classifies exactly the evidence's minutes: a run cut by its edges is judged on the part inside. */
export function classifyMinutes(e: RegionEvidence, rule: AvailabilityRule): MinuteState[] {
  return applyRunRule(evidenceStates(e, rule), rule.minOutageMinutes);
}

/** How far past a period's edge a run is followed; beyond it a run is long enough to be down anyway. */
const MAX_RUN_FOLLOW_MS = 31 * 86_400_000;

/**
 * Classifies the minutes of `range` (minute-aligned) with every run of candidate minutes that
 * touches it seen whole, so a minute's state does not depend on where a query starts or ends:
 * the evidence window grows (doubling) on each side whose edge minute is still a candidate.
 * The result covers the whole window; summariseAvailability counts only `range`.
 */
export function classifyAround(range: Interval, rule: AvailabilityRule, evidenceOver: (fromMs: number, toMs: number) => RegionEvidence): ClassifiedMinutes {
  const follow = Math.max(MAX_RUN_FOLLOW_MS, rule.minOutageMinutes * MINUTE_MS);
  let { fromMs, toMs } = range;
  let step = Math.max(1, rule.minOutageMinutes) * MINUTE_MS;
  for (;;) {
    const states = evidenceStates(evidenceOver(fromMs, toMs), rule);
    const back = states[0] === 'down' && fromMs > range.fromMs - follow;
    const on = states[states.length - 1] === 'down' && toMs < range.toMs + follow;
    if (!back && !on) return { fromMs, states: applyRunRule(states, rule.minOutageMinutes) };
    if (back) fromMs = Math.max(range.fromMs - follow, fromMs - step);
    if (on) toMs = Math.min(range.toMs + follow, toMs + step);
    step *= 2;
  }
}

class Counts {
  up = 0;
  down = 0;
  unknown = 0;
  maintenance = 0;

  add(s: MinuteState): void {
    this[s]++;
  }

  result(): Downtime {
    return {
      minutes: this.up + this.down + this.unknown + this.maintenance,
      upMinutes: this.up,
      downMinutes: this.down,
      unknownMinutes: this.unknown,
      maintenanceMinutes: this.maintenance,
      availabilityPct: this.up + this.down > 0 ? (100 * this.up) / (this.up + this.down) : null,
      observedPct: this.up + this.down + this.unknown > 0 ? (100 * (this.up + this.down)) / (this.up + this.down + this.unknown) : null,
      downtimeHours: Math.round((this.down / 60) * 100) / 100,
    };
  }
}

/**
 * Counts the minutes of `range` (all of `classified` when omitted) by state, time-of-day band and
 * local day. Outages are the down runs that overlap `range`, listed whole: from, to and minutes
 * may reach past the range's edges.
 */
export function summariseAvailability(classified: ClassifiedMinutes, calendar: Calendar, range?: Interval): AvailabilitySummary {
  const { fromMs, states } = classified;
  const rangeFromMs = range?.fromMs ?? fromMs;
  const rangeToMs = range?.toMs ?? fromMs + states.length * MINUTE_MS;
  const total = new Counts();
  const bands = new Map<TimeBand, Counts>(TIME_BANDS.map((b) => [b, new Counts()]));
  const days = new Map<string, Counts>();
  const outages: { from: string; to: string; minutes: number }[] = [];
  const first = Math.max(0, Math.ceil((rangeFromMs - fromMs) / MINUTE_MS));
  const last = Math.min(states.length, Math.ceil((rangeToMs - fromMs) / MINUTE_MS));
  for (let i = first; i < last; i++) {
    const s = states[i]!;
    const local = calendar.at(fromMs + i * MINUTE_MS);
    total.add(s);
    bands.get(timeBandOf(local.weekday, local.hour))!.add(s);
    let day = days.get(local.date);
    if (!day) days.set(local.date, (day = new Counts()));
    day.add(s);
  }
  for (let i = 0; i < states.length;) {
    if (states[i] !== 'down') {
      i++;
      continue;
    }
    let j = i;
    while (j < states.length && states[j] === 'down') j++;
    if (j > first && i < last) {
      outages.push({ from: new Date(fromMs + i * MINUTE_MS).toISOString(), to: new Date(fromMs + j * MINUTE_MS).toISOString(), minutes: j - i });
    }
    i = j;
  }
  return {
    ...total.result(),
    bands: TIME_BANDS.map((band) => ({ band, label: TIME_BAND_LABELS[band], ...bands.get(band)!.result() })),
    days: [...days].map(([date, c]) => ({ date, ...c.result() })),
    outages,
  };
}
