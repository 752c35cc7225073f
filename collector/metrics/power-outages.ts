// Power outage clustering (DCC Code Performance Measure PM12): Power Outage Alerts are grouped
// into 3-minute windows counted from 00:00; per window and CSP region, the number of distinct
// Communications Hubs that raised one. 50 hubs or fewer is an isolated event, more is a wider
// outage. The hub is the alert's originator, the first EUI-64 of its key (an alert's key runs
// device to User). An alert's time is its start: ALERT_RAISED when stamped, else its earliest hop.
// Windows are aligned to the Unix epoch: every offset of a reporting zone is a whole number of
// hours (collector/metrics/calendar.ts), so they also start at every local 00:00.
import type { FigureRow } from '../store/ports/journey-records.js';

export interface PowerOutageRule {
  readonly windowMinutes: number;
  readonly isolatedMaxHubs: number;
}

export type OutageClass = 'isolated' | 'wider';

export interface OutageWindow {
  readonly from: string;
  readonly to: string;
  /** The CSP region, '' when the alerts did not say. */
  readonly region: string;
  readonly hubs: number;
  readonly alerts: number;
  readonly class: OutageClass;
}

export interface RegionOutages {
  readonly region: string;
  readonly windows: number;
  readonly isolated: number;
  readonly wider: number;
  readonly maxHubs: number;
}

export interface PowerOutageReport {
  readonly windows: readonly OutageWindow[];
  readonly regions: readonly RegionOutages[];
}

type Alert = Pick<FigureRow, 'startedUs' | 'key' | 'context'>;

export function clusterPowerOutages(alerts: Iterable<Alert>, rule: PowerOutageRule): PowerOutageReport {
  const windowUs = rule.windowMinutes * 60_000_000;
  const groups = new Map<string, { startUs: number; region: string; hubs: Set<string>; alerts: number }>();
  for (const a of alerts) {
    const startUs = Math.floor(a.startedUs / windowUs) * windowUs;
    const region = a.context.cspRegion ?? '';
    const id = `${startUs}/${region}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { startUs, region, hubs: new Set(), alerts: 0 }));
    g.hubs.add(a.key.slice(0, a.key.indexOf(':')));
    g.alerts++;
  }
  const windows = [...groups.values()]
    .sort((x, y) => x.startUs - y.startUs || x.region.localeCompare(y.region))
    .map((g): OutageWindow => ({
      from: new Date(g.startUs / 1000).toISOString(), to: new Date((g.startUs + windowUs) / 1000).toISOString(), region: g.region,
      hubs: g.hubs.size, alerts: g.alerts, class: g.hubs.size > rule.isolatedMaxHubs ? 'wider' : 'isolated',
    }));
  const regions = new Map<string, { region: string; windows: number; isolated: number; wider: number; maxHubs: number }>();
  for (const w of windows) {
    let r = regions.get(w.region);
    if (!r) regions.set(w.region, (r = { region: w.region, windows: 0, isolated: 0, wider: 0, maxHubs: 0 }));
    r.windows++;
    r[w.class]++;
    r.maxHubs = Math.max(r.maxHubs, w.hubs);
  }
  return { windows, regions: [...regions.values()].sort((x, y) => x.region.localeCompare(y.region)) };
}
