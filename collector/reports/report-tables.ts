// Every report as one flat table (the CSV that `hopwatch report` writes). Reports whose rows
// are already flat pass through flatten(); availability, reliability, peers and inventory,
// which nest, get one row per region and scope, per category, per series.
import type { RegionAvailability } from '../metrics/availability-report.js';
import type { Inventory } from '../metrics/inventory.js';
import type { PeerReport } from '../metrics/peers.js';
import type { Reliability } from '../metrics/reliability.js';
import { flatten, type FlatRow } from './csv.js';

export function flatRows(rows: readonly object[]): FlatRow[] {
  return rows.map((r) => flatten(r));
}

export function availabilityTable(regions: readonly RegionAvailability[]): FlatRow[] {
  const out: FlatRow[] = [];
  for (const r of regions) {
    const { bands, days, outages, probes, region, ...total } = r;
    out.push({ region, scope: 'period', key: 'total', ...total, probes: probes.join(' ') });
    for (const { band, label: _label, ...b } of bands) out.push({ region, scope: 'band', key: band, ...b });
    for (const { date, ...d } of days) out.push({ region, scope: 'day', key: date, ...d });
    for (const o of outages) out.push({ region, scope: 'outage', key: o.from, to: o.to, downMinutes: o.minutes });
  }
  return out;
}

export function reliabilityTable(r: Reliability): FlatRow[] {
  const head = { from: r.from, to: r.to, region: r.region };
  return [
    ...r.categories.map((c) => ({ ...head, category: String(c.category), opened: c.opened, resolved: c.resolved, mttrHours: c.mttrHours, operatingHours: null, mtbfHours: null })),
    { ...head, category: 'all', opened: r.opened, resolved: r.resolved, mttrHours: r.mttrHours, operatingHours: r.operatingHours, mtbfHours: r.mtbfHours },
  ];
}

export function peerTable(p: PeerReport): FlatRow[] {
  return p.rows.flatMap((row) => row.series.map((s) => ({ period: row.period, scope: row.scope, userRole: p.userRole, withheld: row.withheld, ...s })));
}

/** One row per device type, per model and firmware version, and per firmware share series; `table` says which. */
export function inventoryTable(inv: Inventory): FlatRow[] {
  const head = { party: inv.party, month: inv.month, userRole: inv.userRole };
  return [
    ...inv.deviceTypes.map((t) => ({ ...head, table: 'deviceTypes', ...t })),
    ...inv.models.map((r) => ({ ...head, table: 'models', ...r })),
    ...inv.firmwareShares.flatMap(({ series, ...r }) => series.map((s) => ({ ...head, table: 'firmwareShares', ...r, ...s }))),
  ];
}
