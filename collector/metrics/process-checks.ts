// The per-device checks MP176 Table 1 adds to two business processes ("Business process
// reporting"), over the stored journey records:
//   - Install and Commission: "No meter read received within 30 days of 8.14.1". A successful
//     8.14.1 to a device is `read` when a successful meter read (an SR of the Meter Reads or
//     Read Registers process, MP176 Table 1) to the same device, by any User, started after it
//     and at most 30 days later; `noRead` when 30 days passed without one; `open` until then.
//   - Change of Supplier (Gain): "whether there was a successful read within 30 days prior to
//     CoS Gain" (`readBefore`: a successful meter read to the device, by any User, that started
//     in the 30 days before the 6.23), and "whether 8.14.1 or 8.14.2 was sent by old supplier
//     prior to CoS Gain" (`oldSupplierInstall`: an 8.14.1 or 8.14.2 to the device from a User
//     other than the gaining one, the 6.23's originator, started before it, on record at all).
// Each is counted in the period of the SR that starts it (8.14.1, 6.23) and for its originator.
// A request's device is its key's target (the key runs originator to target).
import type { Catalogue } from '../catalogue/catalogue.js';
import type { Calendar } from './calendar.js';
import type { FigureRow, JourneyRecordStore } from '../store/ports/journey-records.js';
import { periodOf, type DeviceCase, type SequenceGranularity } from './alert-sequences.js';
import { bad, parsePeriod, type MetricParams } from './metric-params.js';
import { pct } from './rsvp.js';

/** MP176 Table 1: the processes whose SRs read a meter. */
export const READ_PROCESSES = ['meter-reads', 'read-registers'] as const;
export const INSTALL_SRV = '8.14.1';
export const INSTALL_SRVS = ['8.14.1', '8.14.2'] as const;
export const COS_GAIN_SRV = '6.23';
/** MP176 Table 1: both checks look 30 days from the SR (after 8.14.1, before the CoS Gain). */
export const READ_WINDOW_DAYS = 30;
/**
 * Records a check reads at most (installs, changes of supplier and the reads around them):
 * beyond it the query is refused and asks for a shorter period. Reads are most of the traffic,
 * and the check holds the collector's thread while it scans.
 */
export const MAX_SCANNED = 5_000_000;

const DAY_US = 86_400_000_000;
const WINDOW_US = READ_WINDOW_DAYS * DAY_US;

export interface ProcessCheckQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly granularity: SequenceGranularity;
  readonly nowMs: number;
  /** Only this DCC User's 8.14.1 / 6.23 (the reads and old installs may be anyone's). */
  readonly party?: string;
}

/** A check's query from report parameters: the period (default the last 30 days), per month unless granularity says otherwise. */
export function processCheckQuery(calendar: Calendar, p: MetricParams & { granularity?: string }, nowMs: number): ProcessCheckQuery {
  const granularity = p.granularity ?? 'month';
  if (granularity !== 'day' && granularity !== 'month' && granularity !== 'total') throw bad(`granularity ${JSON.stringify(granularity)} is not day, month or total`);
  return { ...parsePeriod(p, calendar, nowMs, 30), granularity, nowMs, ...(p.party !== undefined ? { party: p.party.toUpperCase() } : {}) };
}

export interface ProcessCheckSource {
  readonly catalogue: Catalogue;
  readonly calendar: Calendar;
}

export interface InstallReadRow {
  readonly period: string;
  readonly party: string;
  readonly installs: number;
  readonly read: number;
  readonly noRead: number;
  readonly open: number;
  /** noRead / (read + noRead): open installs are left out. */
  readonly noReadPct: number | null;
}

export interface CosGainRow {
  readonly period: string;
  readonly party: string;
  readonly gains: number;
  readonly readBefore: number;
  readonly readBeforePct: number | null;
  readonly oldSupplierInstall: number;
  readonly oldSupplierInstallPct: number | null;
}

interface Sr {
  readonly party: string;
  readonly device: string;
  readonly startedUs: number;
}

const srOf = (row: FigureRow): Sr => {
  const [party, device] = row.key.toUpperCase().split(':') as [string, string];
  return { party, device, startedUs: row.startedUs };
};

/** The SRVs of MP176 Table 1's read processes in the catalogue. */
export function readSrvs(catalogue: Catalogue): string[] {
  return [...new Set(catalogue.data.businessProcesses.filter((p) => (READ_PROCESSES as readonly string[]).includes(p.id)).flatMap((p) => p.srvs))];
}

/** Scans stored records of the SRVs, successful ones only unless `any`; counts against MAX_SCANNED. */
function scanner() {
  let scanned = 0;
  return function* scan(store: JourneyRecordStore, srvs: readonly string[], fromUs: number | undefined, toUs: number, any = false): Generator<Sr> {
    for (const srv of srvs) {
      for (const row of store.scanFigures({ srv, ...(fromUs !== undefined ? { fromUs } : {}), toUs })) {
        if (++scanned > MAX_SCANNED) throw bad(`the check reads more than ${MAX_SCANNED} journeys: ask for a shorter period`);
        if (any || row.outcome === 'success') yield srOf(row);
      }
    }
  };
}

/** Start times per device, of the devices asked about only. */
function startsByDevice(rows: Iterable<Sr>, devices: ReadonlySet<string>): Map<string, Sr[]> {
  const out = new Map<string, Sr[]>();
  for (const r of rows) {
    if (!devices.has(r.device)) continue;
    const list = out.get(r.device);
    if (list) list.push(r);
    else out.set(r.device, [r]);
  }
  return out;
}

function counter<K extends string>(keys: readonly K[]) {
  const rows = new Map<string, { period: string; party: string; counts: Record<K, number> }>();
  return {
    add(period: string, party: string, hits: readonly K[]) {
      const id = `${period}\u0001${party}`;
      let row = rows.get(id);
      if (!row) rows.set(id, (row = { period, party, counts: Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number> }));
      for (const k of hits) row.counts[k]++;
    },
    rows: () => [...rows.values()].sort((a, b) => a.period.localeCompare(b.period) || a.party.localeCompare(b.party)),
  };
}

const inScope = (q: ProcessCheckQuery) => (sr: Sr) => q.party === undefined || sr.party === q.party;

/** MP176 Table 1, Install and Commission: installs (8.14.1) with no meter read within 30 days; the `noRead` ones listed. */
export function installReads(store: JourneyRecordStore, source: ProcessCheckSource, q: ProcessCheckQuery): { rows: InstallReadRow[]; noRead: DeviceCase[] } {
  const scan = scanner();
  const installs = [...scan(store, [INSTALL_SRV], q.fromMs * 1000, q.toMs * 1000)].filter(inScope(q));
  const reads = startsByDevice(scan(store, readSrvs(source.catalogue), q.fromMs * 1000, Math.min(q.toMs * 1000 + WINDOW_US, q.nowMs * 1000) + 1), new Set(installs.map((i) => i.device)));
  const t = counter(['installs', 'read', 'noRead', 'open'] as const);
  const noRead: DeviceCase[] = [];
  for (const i of installs) {
    const read = reads.get(i.device)?.some((r) => r.startedUs > i.startedUs && r.startedUs - i.startedUs <= WINDOW_US) ?? false;
    const outcome = read ? 'read' : i.startedUs + WINDOW_US > q.nowMs * 1000 ? 'open' : 'noRead';
    if (outcome === 'noRead') noRead.push({ party: i.party, device: i.device, at: new Date(i.startedUs / 1000).toISOString() });
    t.add(periodOf(source, i.startedUs, q.granularity), i.party, ['installs', outcome]);
  }
  const rows = t.rows().map(({ period, party, counts: c }) => ({ period, party, ...c, noReadPct: pct(c.noRead, c.read + c.noRead) }));
  return { rows, noRead: noRead.sort((a, b) => a.at.localeCompare(b.at) || a.device.localeCompare(b.device)) };
}

/** MP176 Table 1, Change of Supplier (Gain): per 6.23, a read in the 30 days before it, and an install by another (the old) supplier before it. */
export function cosGainChecks(store: JourneyRecordStore, source: ProcessCheckSource, q: ProcessCheckQuery): CosGainRow[] {
  const scan = scanner();
  const gains = [...scan(store, [COS_GAIN_SRV], q.fromMs * 1000, q.toMs * 1000, true)].filter(inScope(q));
  const devices = new Set(gains.map((g) => g.device));
  const reads = startsByDevice(scan(store, readSrvs(source.catalogue), q.fromMs * 1000 - WINDOW_US, q.toMs * 1000), devices);
  const installs = startsByDevice(scan(store, INSTALL_SRVS, undefined, q.toMs * 1000, true), devices);
  const t = counter(['gains', 'readBefore', 'oldSupplierInstall'] as const);
  for (const g of gains) {
    const readBefore = reads.get(g.device)?.some((r) => r.startedUs < g.startedUs && g.startedUs - r.startedUs <= WINDOW_US) ?? false;
    const oldInstall = installs.get(g.device)?.some((i) => i.party !== g.party && i.startedUs < g.startedUs) ?? false;
    t.add(periodOf(source, g.startedUs, q.granularity), g.party, ['gains', ...(readBefore ? ['readBefore' as const] : []), ...(oldInstall ? ['oldSupplierInstall' as const] : [])]);
  }
  return t.rows().map(({ period, party, counts: c }) => ({
    period, party, gains: c.gains, readBefore: c.readBefore, readBeforePct: pct(c.readBefore, c.gains),
    oldSupplierInstall: c.oldSupplierInstall, oldSupplierInstallPct: pct(c.oldSupplierInstall, c.gains),
  }));
}
