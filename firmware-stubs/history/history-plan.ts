// The story the demo's history tells, day by day, so that every report has something to show:
// traffic that follows the working day, an install programme that ramps up, a Change of
// Supplier campaign, two regional outages (a run of minutes in which requests to a region
// were sent and none was answered, MP122 §3.2.3), and two mains power cuts that make hubs raise
// Power Outage Alerts (DCC CPM PM12: one over more than 50 hubs, one of a few).
import type { CspRegionName } from '../../proto/hop-context.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface Outage {
  readonly region: CspRegionName;
  readonly fromMs: number;
  readonly toMs: number;
}

/** A power cut: `hubs` Communications Hubs of a region raise a Power Outage Alert within two minutes of `atMs` (at a window's start, so one 3-minute window holds them all). */
export interface PowerCut {
  readonly region: CspRegionName;
  readonly atMs: number;
  readonly hubs: number;
  /** The share of hubs that raise a Power Restoration Alert 40 minutes later; the rest never do (MP176). */
  readonly restoredShare: number;
}

export interface HistoryPlan {
  readonly fromMs: number;
  readonly toMs: number;
  /** Service Requests per second at the busiest hour of a weekday. */
  readonly peakRequestsPerSecond: number;
  readonly alertsPerSecond: number;
  readonly outages: readonly Outage[];
  readonly powerCuts: readonly PowerCut[];
  /** Installs (8.14.1 and 8.14.2) on day `d` of the history, 0 = its first day. */
  installsOn(day: number, weekend: boolean): number;
  /** Change of Supplier (6.23) requests on a day. */
  readonly changesOfSupplierPerDay: number;
  /** Share of the peak rate at a UTC hour of day. */
  shapeAt(hourOfDay: number, weekend: boolean): number;
}

/** `days` whole UTC days ending at the hour before `nowMs`. */
export function demoHistoryPlan(nowMs: number, days: number): HistoryPlan {
  const toMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const fromMs = toMs - days * DAY_MS;
  const dayStart = (daysAgo: number) => Math.floor((toMs - daysAgo * DAY_MS) / DAY_MS) * DAY_MS;
  return {
    fromMs,
    toMs,
    peakRequestsPerSecond: 0.04,
    alertsPerSecond: 0.005,
    outages: [
      // A CSP link down for 95 minutes one morning three weeks ago …
      { region: 'NORTH', fromMs: dayStart(Math.min(20, days - 1)) + 9 * HOUR_MS + 25 * 60_000, toMs: dayStart(Math.min(20, days - 1)) + 11 * HOUR_MS },
      // … and 40 minutes of one afternoon last week.
      { region: 'SOUTH', fromMs: dayStart(Math.min(6, days - 1)) + 14 * HOUR_MS + 10 * 60_000, toMs: dayStart(Math.min(6, days - 1)) + 14 * HOUR_MS + 50 * 60_000 },
    ],
    powerCuts: [
      // A storm takes out 80 hubs in CENTRAL early one morning four days ago: a wider outage …
      { region: 'CENTRAL', atMs: dayStart(Math.min(4, days - 1)) + 3 * HOUR_MS + 3 * 60_000, hubs: 80, restoredShare: 0.9 },
      // … and a street's worth, 12 hubs in NORTH two evenings ago: an isolated event.
      { region: 'NORTH', atMs: dayStart(Math.min(2, days - 1)) + 19 * HOUR_MS + 3 * 60_000, hubs: 12, restoredShare: 0.75 },
    ],
    // From 20 a weekday to about 150 by the end: a programme gathering pace.
    installsOn: (day, weekend) => Math.round((20 + (130 * day) / Math.max(1, days - 1)) * (weekend ? 0.25 : 1)),
    changesOfSupplierPerDay: 40,
    shapeAt: (hour, weekend) => {
      const working = hour >= 7 && hour < 19 ? 1 : hour >= 5 && hour < 22 ? 0.45 : 0.12;
      return working * (weekend ? 0.5 : 1);
    },
  };
}
