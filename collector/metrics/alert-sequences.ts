// Alert sequences per device (MP176 "Alert reporting"; MP122 DF2), from the journeys that
// sequence-event-tracker.ts follows. Each measure starts from an event in the period and looks
// for what should follow it from the same device to the same DCC User:
// - Credentials after identity (MP176): an N16 'Device Identity Confirmation' is followed in
//   time when an N42 'Security Credentials Updated on the Device' is raised after it and at most
//   the catalogue's N42 slaAfter (seven days) later. Split by the device's Energy Supplier: the
//   party of a supplier role (IS, ES, GS) whose journeys reached the device most recently by the
//   end of the N16's month (its estate, inventory.ts). It is named to the supplier itself and to
//   a party whose journeys reached the device as Electricity Distributor (ED), who MP176 gives
//   this split; to anyone else it is "another supplier".
// - Outages without restoration (MP176): a Power Outage Alert is restored by a Power
//   Restoration Alert raised after it and before the device's next Power Outage Alert.
// - Firmware verification (MP122 DF2): an 11.1 Update Firmware that succeeded is verified by a
//   0x8F72 or rejected by a 0x8F1C, whichever the device raises first after it, within the
//   11.1 TRT in force (five days for SMETS2+: SEC H13.1A as quoted in MP176 Table 1; MP122 DF2
//   gives no SLA of its own). A device with neither within it is a failure to transfer.
// A window still open at the time of the query is `open`, neither success nor failure.
import { HopwatchError } from '../../common/error-codes.js';
import type { SequenceEvent } from '../store/ports/sequence-events.js';
import type { RollupSource } from './rollup-query.js';
import { pct } from './rsvp.js';
import { FIRMWARE_REJECTED, FIRMWARE_SRV, FIRMWARE_VERIFIED, CREDENTIALS_UPDATED, sequenceCodes } from './sequence-codes.js';

export type SequenceGranularity = 'day' | 'month' | 'total';

export interface SequenceQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly granularity: SequenceGranularity;
  /** Only this DCC User's sequences (alerts addressed to it, SRs it sent). */
  readonly party?: string;
  readonly nowMs: number;
}

/** A device whose sequence failed, for the party to follow up (its own devices only). */
export interface DeviceCase {
  readonly party: string;
  readonly device: string;
  readonly at: string;
}

const SUPPLIER_ROLES = new Set(['IS', 'ES', 'GS']);
const DISTRIBUTOR_ROLE = 'ED';
/** The supplier of a device, to a recipient that is neither it nor the device's Electricity Distributor. */
export const OTHER_SUPPLIER = 'another supplier';
const FOREVER_US = Number.MAX_SAFE_INTEGER;
const iso = (us: number) => new Date(us / 1000).toISOString();

/** Groups a period's starting events by period (and more), counting outcomes per group. */
function tally<K extends string>(outcomes: readonly K[]) {
  const rows = new Map<string, { key: Record<string, string | null>; counts: Record<K, number> }>();
  return {
    add(key: Record<string, string | null>, outcome: K) {
      const id = JSON.stringify(key);
      let row = rows.get(id);
      if (!row) rows.set(id, (row = { key, counts: Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<K, number> }));
      row.counts[outcome]++;
    },
    rows: () => [...rows.values()].sort((a, b) => (JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1)),
  };
}

/** The period an event counts in: its local day, its month, or 'total'. */
export function periodOf(source: Pick<RollupSource, 'calendar'>, us: number, g: SequenceGranularity): string {
  if (g === 'total') return 'total';
  const date = source.calendar.localDate(us / 1000);
  return g === 'day' ? date : date.slice(0, 7);
}

/** Events by device, in start order (the store's order). */
function byDevice(events: readonly SequenceEvent[]): Map<string, SequenceEvent[]> {
  const out = new Map<string, SequenceEvent[]>();
  for (const e of events) {
    const list = out.get(e.device);
    if (list) list.push(e);
    else out.set(e.device, [e]);
  }
  return out;
}

const inPeriod = (e: SequenceEvent, q: SequenceQuery) => e.startedUs >= q.fromMs * 1000 && e.startedUs < q.toMs * 1000 && (q.party === undefined || e.party === q.party);

export interface CredentialsRow {
  readonly period: string;
  readonly party: string;
  /** The device's Energy Supplier, null when no supplier's journeys reached it. */
  readonly supplier: string | null;
  readonly identityAlerts: number;
  readonly withinSla: number;
  readonly missed: number;
  readonly open: number;
  readonly withinSlaPct: number | null;
  readonly slaSeconds: number;
}

export function credentialsAfterIdentity(source: RollupSource, q: SequenceQuery): CredentialsRow[] {
  const { identity } = sequenceCodes(source.catalogue);
  if (!identity) return [];
  const windowUs = identity.seconds * 1e6;
  const events = source.ports.sequenceEvents.events([identity.code, CREDENTIALS_UPDATED], q.fromMs * 1000, q.toMs * 1000 + windowUs + 1);
  const months = new Map<string, { suppliers: Map<string, { party: string; seenUs: number }>; distributors: Set<string> }>();
  const supplierOf = (recipient: string, device: string, us: number): string | null => {
    const month = source.calendar.localDate(us / 1000).slice(0, 7);
    let m = months.get(month);
    if (!m) {
      m = { suppliers: new Map(), distributors: new Set() };
      for (const d of source.ports.estate.estateAt(month)) {
        const known = m.suppliers.get(d.device);
        if (SUPPLIER_ROLES.has(d.userRole) && (!known || d.seenUs > known.seenUs)) m.suppliers.set(d.device, { party: d.party, seenUs: d.seenUs });
        if (d.userRole === DISTRIBUTOR_ROLE) m.distributors.add(`${d.party}:${d.device}`);
      }
      months.set(month, m);
    }
    const supplier = m.suppliers.get(device)?.party;
    if (supplier === undefined) return null;
    // MP176 gives this split to Electricity Distributors; anyone else learns no other party's name.
    return supplier === recipient || m.distributors.has(`${recipient}:${device}`) ? supplier : OTHER_SUPPLIER;
  };
  const t = tally(['withinSla', 'missed', 'open'] as const);
  for (const list of byDevice(events).values()) {
    for (const n16 of list) {
      if (n16.code !== identity.code || !inPeriod(n16, q)) continue;
      const followed = list.some((e) => e.code === CREDENTIALS_UPDATED && e.party === n16.party && e.startedUs > n16.startedUs && e.startedUs - n16.startedUs <= windowUs);
      const outcome = followed ? 'withinSla' : n16.startedUs + windowUs > q.nowMs * 1000 ? 'open' : 'missed';
      t.add({ period: periodOf(source, n16.startedUs, q.granularity), party: n16.party, supplier: supplierOf(n16.party, n16.device, n16.startedUs) }, outcome);
    }
  }
  return t.rows().map(({ key, counts }) => ({
    period: key.period!, party: key.party!, supplier: key.supplier ?? null,
    identityAlerts: counts.withinSla + counts.missed + counts.open, ...counts,
    withinSlaPct: pct(counts.withinSla, counts.withinSla + counts.missed), slaSeconds: identity.seconds,
  }));
}

export interface OutageRow {
  readonly period: string;
  readonly party: string;
  readonly outages: number;
  readonly restored: number;
  readonly unrestored: number;
  readonly unrestoredPct: number | null;
}

export function outagesWithoutRestoration(source: RollupSource, q: SequenceQuery): { rows: OutageRow[]; unrestored: DeviceCase[] } {
  const { outage, restoration } = sequenceCodes(source.catalogue);
  const outages = new Set(outage);
  const events = source.ports.sequenceEvents.events([...outage, ...restoration], q.fromMs * 1000, FOREVER_US);
  const t = tally(['restored', 'unrestored'] as const);
  const cases: DeviceCase[] = [];
  for (const list of byDevice(events).values()) {
    list.forEach((poa, i) => {
      if (!outages.has(poa.code) || !inPeriod(poa, q)) return;
      const later = list.slice(i + 1).filter((e) => e.party === poa.party && e.startedUs > poa.startedUs);
      const next = later.find((e) => outages.has(e.code));
      const restored = later.some((e) => !outages.has(e.code) && (next === undefined || e.startedUs < next.startedUs));
      t.add({ period: periodOf(source, poa.startedUs, q.granularity), party: poa.party }, restored ? 'restored' : 'unrestored');
      if (!restored) cases.push({ party: poa.party, device: poa.device, at: iso(poa.startedUs) });
    });
  }
  return {
    rows: t.rows().map(({ key, counts }) => ({
      period: key.period!, party: key.party!, outages: counts.restored + counts.unrestored, ...counts, unrestoredPct: pct(counts.unrestored, counts.restored + counts.unrestored),
    })),
    unrestored: cases.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
  };
}

export interface FirmwareRow {
  readonly period: string;
  readonly party: string;
  readonly firmwareUpdates: number;
  readonly verified: number;
  readonly rejected: number;
  readonly noAlert: number;
  readonly open: number;
  readonly verifiedPct: number | null;
  readonly rejectedPct: number | null;
  readonly noAlertPct: number | null;
}

/** The SLA after an 11.1 started at `us`: its TRT in force that local date (SEC H13.1A via MP176 Table 1). */
function firmwareSlaUs(source: RollupSource, us: number): number {
  const trt = source.catalogue.trtOn(FIRMWARE_SRV, source.calendar.localDate(us / 1000), 'SMETS2');
  if (!trt) throw new HopwatchError('HW_COLLECTOR_BAD_QUERY', `the catalogue has no TRT for ${FIRMWARE_SRV} in force on ${source.calendar.localDate(us / 1000)}: firmware verification has no SLA`);
  return trt.seconds * 1e6;
}

export function firmwareVerification(source: RollupSource, q: SequenceQuery): { rows: FirmwareRow[]; noAlert: DeviceCase[] } {
  const longestUs = Math.max(firmwareSlaUs(source, q.fromMs * 1000), firmwareSlaUs(source, q.toMs * 1000));
  const events = source.ports.sequenceEvents.events([FIRMWARE_SRV, FIRMWARE_VERIFIED, FIRMWARE_REJECTED], q.fromMs * 1000, q.toMs * 1000 + longestUs + 1);
  const t = tally(['verified', 'rejected', 'noAlert', 'open'] as const);
  const cases: DeviceCase[] = [];
  for (const list of byDevice(events).values()) {
    for (const sr of list) {
      if (sr.code !== FIRMWARE_SRV || !sr.success || !inPeriod(sr, q)) continue;
      const slaUs = firmwareSlaUs(source, sr.startedUs);
      const first = list.find((e) => e.code !== FIRMWARE_SRV && e.party === sr.party && e.startedUs > sr.startedUs && e.startedUs - sr.startedUs <= slaUs);
      const outcome = first ? (first.code === FIRMWARE_VERIFIED ? 'verified' : 'rejected') : sr.startedUs + slaUs > q.nowMs * 1000 ? 'open' : 'noAlert';
      t.add({ period: periodOf(source, sr.startedUs, q.granularity), party: sr.party }, outcome);
      if (outcome === 'noAlert') cases.push({ party: sr.party, device: sr.device, at: iso(sr.startedUs) });
    }
  }
  return {
    rows: t.rows().map(({ key, counts }) => {
      const judged = counts.verified + counts.rejected + counts.noAlert;
      return {
        period: key.period!, party: key.party!, firmwareUpdates: judged + counts.open, ...counts,
        verifiedPct: pct(counts.verified, judged), rejectedPct: pct(counts.rejected, judged), noAlertPct: pct(counts.noAlert, judged),
      };
    }),
    noAlert: cases.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
  };
}

export interface FailureLinkRow {
  readonly period: string;
  readonly party: string;
  readonly alertCode: string;
  readonly alerts: number;
  readonly linked: number;
  readonly unlinked: number;
  readonly linkedPct: number | null;
  /** Linked alerts per SRV of the SR they fail. */
  readonly linkedBySrv: Readonly<Record<string, number>>;
}

/**
 * Failure alerts (N12, N13) linked to the SR they fail (failure-link-tracker.ts): an alert from
 * a device to a User, raised at t, is linked to that User's SR to that device with the latest
 * start before t, if it started at most its TRT before t. Unlinked: no SR of the User to the
 * device on record in that window, or a later SR of theirs was recorded first (only the latest
 * SR per User and device is kept).
 */
export function failureLinks(source: RollupSource, q: SequenceQuery): FailureLinkRow[] {
  const rows = new Map<string, { period: string; party: string; alertCode: string; alerts: number; linked: number; linkedBySrv: Record<string, number> }>();
  for (const l of source.ports.failureLinks.links(q.fromMs * 1000, q.toMs * 1000)) {
    if (q.party !== undefined && l.party !== q.party) continue;
    const period = periodOf(source, l.alertStartedUs, q.granularity);
    const id = `${period}\u0001${l.party}\u0001${l.code}`;
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { period, party: l.party, alertCode: l.code, alerts: 0, linked: 0, linkedBySrv: {} }));
    row.alerts++;
    if (l.requestSrv === null) continue;
    row.linked++;
    row.linkedBySrv[l.requestSrv] = (row.linkedBySrv[l.requestSrv] ?? 0) + 1;
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => ({ ...r, unlinked: r.alerts - r.linked, linkedPct: pct(r.linked, r.alerts) }));
}
