// Power outage clustering (DCC CPM PM12), on hand-worked cases: 3-minute windows from 00:00,
// distinct hubs per window and region, 50 or fewer isolated, more a wider outage.
import { describe, expect, it } from 'vitest';
import { clusterPowerOutages } from '../../../collector/metrics/power-outages.js';
import type { CspRegionName } from '../../../proto/hop-context.js';

const rule = { windowMinutes: 3, isolatedMaxHubs: 50 };
const hub = (n: number) => `00-DB-00-00-00-00-${String(Math.floor(n / 256) % 256).padStart(2, '0')}-${(n % 256).toString(16).toUpperCase().padStart(2, '0')}`;
const alert = (iso: string, hubNumber: number, cspRegion: CspRegionName = 'NORTH') => ({
  startedUs: Date.parse(iso) * 1000, key: `${hub(hubNumber)}:90-B3-D5-1F-30-01-00-00:${hubNumber}`, context: { cspRegion },
});
const hubs = (count: number, iso: string, region?: CspRegionName, first = 0) => Array.from({ length: count }, (_, i) => alert(iso, first + i, region));

describe('power outage clustering', () => {
  it('starts windows at 00:00 and every 3 minutes after it', () => {
    const r = clusterPowerOutages([alert('2026-11-10T00:02:59.999Z', 1), alert('2026-11-10T00:03:00Z', 2), alert('2026-11-09T23:59:59Z', 3)], rule);
    expect(r.windows.map((w) => [w.from, w.to, w.hubs])).toEqual([
      ['2026-11-09T23:57:00.000Z', '2026-11-10T00:00:00.000Z', 1],
      ['2026-11-10T00:00:00.000Z', '2026-11-10T00:03:00.000Z', 1],
      ['2026-11-10T00:03:00.000Z', '2026-11-10T00:06:00.000Z', 1],
    ]);
  });

  it('calls 50 hubs in a window an isolated event and 51 a wider outage', () => {
    const r = clusterPowerOutages([...hubs(50, '2026-11-10T10:00:30Z'), ...hubs(51, '2026-11-10T10:03:30Z')], rule);
    expect(r.windows.map((w) => [w.from.slice(11, 16), w.hubs, w.class])).toEqual([['10:00', 50, 'isolated'], ['10:03', 51, 'wider']]);
    expect(r.regions).toEqual([{ region: 'NORTH', windows: 2, isolated: 1, wider: 1, maxHubs: 51 }]);
  });

  it('counts a hub that alerts twice in a window once', () => {
    const r = clusterPowerOutages([...hubs(50, '2026-11-10T10:00:00Z'), alert('2026-11-10T10:01:00Z', 7), alert('2026-11-10T10:02:00Z', 7)], rule);
    expect(r.windows).toEqual([expect.objectContaining({ hubs: 50, alerts: 52, class: 'isolated' })]);
  });

  it('counts each region on its own: 40 hubs in each of two regions is two isolated events', () => {
    const r = clusterPowerOutages([...hubs(40, '2026-11-10T10:00:00Z', 'NORTH'), ...hubs(40, '2026-11-10T10:00:00Z', 'SOUTH', 100)], rule);
    expect(r.windows.map((w) => [w.region, w.hubs, w.class])).toEqual([['NORTH', 40, 'isolated'], ['SOUTH', 40, 'isolated']]);
  });
});
