// The alert report as PDF (MP176 "Alert reporting", MP122 DF2, DCC CPM PM12) over one period:
// delivery per alert code against the SLA, N42 within seven days after N16 per Energy
// Supplier, Power Outage Alerts with no later Power Restoration Alert, firmware image
// verification after 11.1, failure alerts linked to the SR they fail, and (for every party
// only: it counts every party's hubs) Power Outage Alerts clustered per window and CSP region.
import { alertRows } from '../metrics/alerts.js';
import { credentialsAfterIdentity, failureLinks, firmwareVerification, outagesWithoutRestoration, type CredentialsRow, type DeviceCase, type FailureLinkRow, type FirmwareRow, type OutageRow, type SequenceQuery } from '../metrics/alert-sequences.js';
import type { MetricReader } from '../metrics/engine.js';
import { powerOutageReport, type PowerOutagePeriod } from '../metrics/power-outage-report.js';
import type { OutageWindow, RegionOutages } from '../metrics/power-outages.js';
import type { JourneyRecordStore } from '../store/ports/journey-records.js';
import { alertColumns, COLORS } from './mp122-pack.js';
import type { PackPeriod } from './pack-period.js';
import { barChart } from './pdf-charts.js';
import { createPdf, finishPdf, fixed, heading, note, table, type Column, type Pdf } from './pdf-layout.js';

/** Device cases and wider outage windows listed at most: the CSV and API have them all. */
export const LISTED_CASES = 50;

export interface AlertReportQuery {
  /** Only this DCC User's alerts and SRs; undefined for every party. */
  readonly party?: string;
  /** For the outage clustering; without it (or for one party) that section is left out. */
  readonly store?: JourneyRecordStore;
  readonly nowMs: number;
}

const str = (v: string | null) => v ?? '-';
const count = (n: number) => String(n);
const num = (width: number, header: string) => ({ width, header, align: 'right' as const });

const credentialColumns: Column<CredentialsRow>[] = [
  { header: 'Party', width: 120, value: (r) => r.party },
  { header: 'Energy Supplier', width: 120, value: (r) => str(r.supplier) },
  { ...num(60, 'N16'), value: (r) => count(r.identityAlerts) },
  { ...num(80, 'N42 within SLA'), value: (r) => count(r.withinSla) },
  { ...num(60, 'Missed'), value: (r) => count(r.missed) },
  { ...num(60, 'Open'), value: (r) => count(r.open) },
  { ...num(80, 'Within SLA %'), value: (r) => fixed(r.withinSlaPct) },
];
const outageColumns: Column<OutageRow>[] = [
  { header: 'Party', width: 120, value: (r) => r.party },
  { ...num(70, 'Outage alerts'), value: (r) => count(r.outages) },
  { ...num(70, 'Restored'), value: (r) => count(r.restored) },
  { ...num(80, 'Not restored'), value: (r) => count(r.unrestored) },
  { ...num(80, 'Not restored %'), value: (r) => fixed(r.unrestoredPct) },
];
const firmwareColumns: Column<FirmwareRow>[] = [
  { header: 'Party', width: 120, value: (r) => r.party },
  { ...num(70, '11.1 updates'), value: (r) => count(r.firmwareUpdates) },
  { ...num(70, 'Verified'), value: (r) => count(r.verified) },
  { ...num(70, 'Rejected'), value: (r) => count(r.rejected) },
  { ...num(70, 'No alert'), value: (r) => count(r.noAlert) },
  { ...num(50, 'Open'), value: (r) => count(r.open) },
  { ...num(70, 'Verified %'), value: (r) => fixed(r.verifiedPct) },
  { ...num(70, 'Rejected %'), value: (r) => fixed(r.rejectedPct) },
  { ...num(70, 'No alert %'), value: (r) => fixed(r.noAlertPct) },
];
const linkColumns: Column<FailureLinkRow>[] = [
  { header: 'Party', width: 120, value: (r) => r.party },
  { header: 'Alert', width: 50, value: (r) => r.alertCode },
  { ...num(60, 'Alerts'), value: (r) => count(r.alerts) },
  { ...num(60, 'Linked'), value: (r) => count(r.linked) },
  { ...num(60, 'Unlinked'), value: (r) => count(r.unlinked) },
  { ...num(60, 'Linked %'), value: (r) => fixed(r.linkedPct) },
  { header: 'Linked per SRV', width: 330, value: (r) => Object.entries(r.linkedBySrv).sort(([, a], [, b]) => b - a).map(([srv, n]) => `${srv}: ${n}`).join(', ') },
];
const caseColumns: Column<DeviceCase>[] = [
  { header: 'Party', width: 120, value: (c) => c.party },
  { header: 'Device', width: 120, value: (c) => c.device },
  { header: 'At', width: 160, value: (c) => c.at },
];
const regionColumns: Column<RegionOutages>[] = [
  { header: 'CSP region', width: 90, value: (r) => r.region || '(none)' },
  { ...num(70, 'Windows'), value: (r) => count(r.windows) },
  { ...num(70, 'Isolated'), value: (r) => count(r.isolated) },
  { ...num(70, 'Wider'), value: (r) => count(r.wider) },
  { ...num(70, 'Most hubs'), value: (r) => count(r.maxHubs) },
];
const windowColumns: Column<OutageWindow>[] = [
  { header: 'From', width: 140, value: (w) => w.from },
  { header: 'To', width: 140, value: (w) => w.to },
  { header: 'CSP region', width: 90, value: (w) => w.region || '(none)' },
  { ...num(60, 'Hubs'), value: (w) => count(w.hubs) },
  { ...num(60, 'Alerts'), value: (w) => count(w.alerts) },
];

function cases(doc: Pdf, what: string, list: readonly DeviceCase[]): void {
  if (list.length === 0) return;
  note(doc, [`${what}: ${list.length}${list.length > LISTED_CASES ? `, the first ${LISTED_CASES} listed` : ''}.`]);
  table(doc, caseColumns, list.slice(0, LISTED_CASES));
}

export function renderAlertsPdf(m: MetricReader, p: PackPeriod, q: AlertReportQuery): Promise<Buffer> {
  const seq: SequenceQuery = { fromMs: p.fromMs, toMs: p.toMs, granularity: 'total', nowMs: q.nowMs, ...(q.party !== undefined ? { party: q.party } : {}) };
  const read = <T>(fn: () => T) => m.source.ports.readConsistently(fn);
  const delivery = read(() => alertRows(m.source, { fromMs: p.fromMs, toMs: p.toMs, period: 'total', by: [], filters: q.party !== undefined ? { party: [q.party] } : {} }));
  const title = `Alert report ${p.label}`;
  const { doc, done } = createPdf({ title, subtitle: `Period ${p.label} (${m.config.timeZone}) · ${q.party !== undefined ? `party ${q.party}` : 'all parties'} · MP176 Alert reporting`, generatedAt: p.generatedAt });

  heading(doc, 'Alert delivery', 150);
  note(doc, [`Time from the alert raised on the device to its delivery to the User, against the ${m.source.catalogue.data.alertSla.seconds} s SLA, per alert code.`]);
  barChart(doc, {
    title: 'Delivered within SLA %', labels: delivery.map((a) => String(a.alertCode)), unit: ' %', min: 0, max: 100, height: 80,
    series: [{ name: 'Within SLA', color: COLORS[4]!, values: delivery.map((a) => a.withinSlaPct) }],
  });
  table(doc, alertColumns, delivery);

  heading(doc, 'N42 within seven days after N16');
  note(doc, ['An N16 Device Identity Confirmation is within SLA when the device raises an N42 Security Credentials Updated to the same User at most seven days later (MP176).', 'Open: the seven days have not yet passed; the percentage leaves them out.']);
  table(doc, credentialColumns, read(() => credentialsAfterIdentity(m.source, seq)));

  const outages = read(() => outagesWithoutRestoration(m.source, seq));
  heading(doc, 'Power Outage Alerts with no later Power Restoration Alert');
  note(doc, ['An outage is restored by a Power Restoration Alert from the device to the same User after it and before its next Power Outage Alert (MP176).']);
  table(doc, outageColumns, outages.rows);
  cases(doc, 'Outages not restored', outages.unrestored);

  const firmware = read(() => firmwareVerification(m.source, seq));
  heading(doc, 'Firmware image verification after 11.1');
  note(doc, ['A successful 11.1 Update Firmware is verified (0x8F72) or rejected (0x8F1C) by the first of the two the device raises within the 11.1 TRT; no alert otherwise (MP122 DF2).']);
  table(doc, firmwareColumns, firmware.rows);
  cases(doc, 'Updates with neither alert', firmware.noAlert);

  heading(doc, 'Failure alerts linked to the request they fail');
  note(doc, ['An N12 or N13 is linked to the same User\'s latest SR to the device that started at most its TRT before the alert; the rest are unlinked (MP122 2.3.2).']);
  table(doc, linkColumns, read(() => failureLinks(m.source, seq)));

  if (q.party === undefined && q.store !== undefined) clustering(doc, powerOutageReport(q.store, m.config.powerOutage, m.source.catalogue, { fromMs: p.fromMs, toMs: p.toMs }));
  finishPdf(doc, title);
  return done;
}

function clustering(doc: Pdf, r: PowerOutagePeriod): void {
  heading(doc, 'Power outages by window and CSP region');
  note(doc, [
    `Power Outage Alerts (${r.rule.alertCodes.join(', ')}) in ${r.rule.windowMinutes}-minute windows from 00:00; per window and region the distinct Communications Hubs.`,
    `${r.rule.isolatedMaxHubs} hubs or fewer is an isolated event, more a wider outage (DCC Code Performance Measure PM12).`,
  ]);
  table(doc, regionColumns, r.regions, 'No Power Outage Alert in this period.');
  const wider = r.windows.filter((w) => w.class === 'wider');
  if (wider.length === 0) return;
  note(doc, [`Wider outages: ${wider.length}${wider.length > LISTED_CASES ? `, the first ${LISTED_CASES} listed` : ''}.`]);
  table(doc, windowColumns, wider.slice(0, LISTED_CASES));
}
