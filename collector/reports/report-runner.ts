// Each report `hopwatch report` can write, as a function from the parameters to a flat table
// (the same rows the API returns, flattened for CSV).
import { HopwatchError } from '../../common/error-codes.js';
import { alertRows } from '../metrics/alerts.js';
import { credentialsAfterIdentity, failureLinks, firmwareVerification, outagesWithoutRestoration, type SequenceQuery } from '../metrics/alert-sequences.js';
import { attributionRows } from '../metrics/attribution-report.js';
import { availabilityByRegion } from '../metrics/availability-report.js';
import { cosRows } from '../metrics/change-of-supplier.js';
import type { Dimension } from '../metrics/dimensions.js';
import type { MetricReader } from '../metrics/engine.js';
import { installRows } from '../metrics/installs.js';
import { estateDevices, inventory, type Inventory } from '../metrics/inventory.js';
import { bad, MONTH_PATTERN, parseBy, parseMetricQuery, parsePeriod, type MetricParams, type ParsedMetricQuery } from '../metrics/metric-params.js';
import { peerReport } from '../metrics/peers.js';
import { reliability } from '../metrics/reliability.js';
import { flagIncidents } from '../metrics/incident-flags.js';
import { powerOutageReport } from '../metrics/power-outage-report.js';
import { cosGainChecks, installReads, processCheckQuery } from '../metrics/process-checks.js';
import type { Period } from '../metrics/rollup-query.js';
import { rsvpRows } from '../metrics/rsvp.js';
import { topUpRows } from '../metrics/top-ups.js';
import type { JourneyRecordStore } from '../store/ports/journey-records.js';
import { comparisonTable, runComparison, type CompareParams } from './compare-report.js';
import type { FlatRow } from './csv.js';
import { availabilityTable, flatRows, inventoryTable, peerTable, reliabilityTable } from './report-tables.js';

export interface ReportParams extends MetricParams, CompareParams {
  /** peers: the party the report is for, and its User Role when it has several. */
  readonly for?: string;
  readonly role?: string;
  /** power-outages: the Power Outage Alert codes, comma-separated. */
  readonly alertCode?: string;
}

type Defaults = { days: number; granularity: Period; by: readonly Dimension[] };
/** `store`: the journey records, for the reports that read them (compare, power-outages) rather than the rollups. */
type Runner = (m: MetricReader, p: ReportParams, nowMs: number, store: JourneyRecordStore | undefined) => FlatRow[];

/** A report's table; `header` names the columns even when no row has them (an empty period). */
export interface ReportTable {
  readonly rows: FlatRow[];
  readonly header: readonly string[];
}

const SUMMARY = ['count', 'mean', 'median', 'min', 'max', 'p90', 'p95', 'p99'];
const summaryColumns = (name: string) => SUMMARY.map((s) => `${name}.${s}`);
const RSVP_COLUMNS = ['volume', 'successes', 'failures', 'successRatePct', 'payloadFailures', 'payloadFailureRatePct', ...summaryColumns('rttUs'), ...summaryColumns('dccUs'), 'trtSeconds', 'withinTrtPct'];
const AVAILABILITY_COLUMNS = ['region', 'scope', 'key', 'minutes', 'upMinutes', 'downMinutes', 'unknownMinutes', 'maintenanceMinutes', 'availabilityPct', 'observedPct', 'downtimeHours'];
/** The leading columns of each report: period, the dimensions grouped by, the figures. */
const HEADERS: Readonly<Record<string, (by: readonly string[]) => readonly string[]>> = {
  rsvp: (by) => ['period', ...by, ...RSVP_COLUMNS],
  processes: (by) => ['period', ...by, ...RSVP_COLUMNS],
  attribution: () => ['period', 'srv', 'rule', 'process', 'requests', 'sharePct'],
  installs: () => ['date', 'installCommission', 'installCommissionSuccesses', 'installLeave', 'installLeaveSuccesses', 'installs', 'predictedInstalls', 'deviationPct'],
  'top-ups': (by) => ['period', 'attempt', ...by, 'attempts', 'successes', 'successRatePct', 'failures', 'failureRatePct'],
  'change-of-supplier': (by) => ['period', ...by, 'requests', 'reportedSuccesses', 'reportedFailures', 'rescued', 'successes', 'successRatePct', 'reportedSuccessRatePct'],
  alerts: (by) => ['period', 'alertCode', ...by, 'alerts', 'delivered', 'undelivered', 'slaSeconds', 'measured', 'withinSla', 'withinSlaPct', ...summaryColumns('deliveryUs')],
  availability: () => AVAILABILITY_COLUMNS,
  reliability: () => ['from', 'to', 'region', 'category', 'opened', 'resolved', 'mttrHours', 'operatingHours', 'mtbfHours'],
  peers: () => ['period', 'scope', 'userRole', 'withheld', 'series', 'volume', 'successRatePct'],
  'power-outages': () => ['from', 'to', 'region', 'hubs', 'alerts', 'class'],
  'install-reads': () => ['period', 'party', 'installs', 'read', 'noRead', 'open', 'noReadPct'],
  'cos-gain': () => ['period', 'party', 'gains', 'readBefore', 'readBeforePct', 'oldSupplierInstall', 'oldSupplierInstallPct'],
};

const parse = (m: MetricReader, p: ReportParams, nowMs: number, d: Defaults): ParsedMetricQuery => parseMetricQuery(p, m.source, nowMs, d);
/** Inventory reports: the party (--for) and the month whose end the estate is taken at (--month). */
const estateOf = (p: ReportParams): { party: string; month: string } => {
  if (p.for === undefined || p.month === undefined) throw new HopwatchError('HW_COLLECTOR_REPORT', 'inventory reports need --for <party EUI-64> and --month YYYY-MM');
  if (!new RegExp(MONTH_PATTERN).test(p.month)) throw bad(`month ${JSON.stringify(p.month)} is not YYYY-MM`);
  return { party: p.for.toUpperCase(), month: p.month };
};
/** Alert sequences: the period (default the last 30 days), per month unless --granularity day or total. */
const sequences = (m: MetricReader, p: ReportParams, nowMs: number): SequenceQuery => {
  const granularity = p.granularity ?? 'month';
  if (granularity !== 'day' && granularity !== 'month' && granularity !== 'total') throw bad(`granularity ${JSON.stringify(granularity)} is not day, month or total`);
  return { ...parsePeriod(p, m.source.calendar, nowMs, 30), granularity, nowMs, ...(p.party !== undefined ? { party: p.party.toUpperCase() } : {}) };
};
/** A party's inventory at the end of --month (the table, and the PDF). */
export function inventoryOf(m: MetricReader, p: ReportParams): Inventory {
  const q = estateOf(p);
  return inventory(m.source.ports.estate.estateAt(q.month), { ...q, ...(p.role !== undefined ? { userRole: p.role } : {}) }, m.config.peers.minPeers);
}
/** The journey records a report reads; a clear error when the caller opened none. */
export const journeys = (store: JourneyRecordStore | undefined, name: string): JourneyRecordStore => {
  if (store === undefined) throw new HopwatchError('HW_COLLECTOR_REPORT', `${name} reads the journey records: open the collector's store`);
  return store;
};
const list = (v: string | undefined) => v?.split(',').map((x) => x.trim()).filter((x) => x !== '');
const regions = (m: MetricReader, p: ReportParams) => p.region?.split(',') ?? m.source.catalogue.data.cspRegions.map((r) => r.id);

export const REPORTS: Readonly<Record<string, { readonly summary: string; readonly run: Runner }>> = {
  rsvp: { summary: 'RSVP per SRV (or --by …): volume, payload, speed, % within TRT', run: (m, p, now) => flatRows(rsvpRows(m.source, parse(m, p, now, { days: 7, granularity: 'day', by: ['srv'] }))) },
  processes: {
    summary: 'RSVP per business process (day rows flag Category 1 and 2 incidents)',
    run: (m, p, now) => {
      const q = parse(m, p, now, { days: 7, granularity: 'day', by: ['process'] });
      return flatRows(flagIncidents(rsvpRows(m.source, q), m.log, m.source.calendar, q.fromMs, q.toMs));
    },
  },
  attribution: { summary: 'how SRs of shared SRVs (1.1.1 …) were attributed, per rule', run: (m, p, now) => flatRows(attributionRows(m.source, parse(m, p, now, { days: 7, granularity: 'day', by: [] }))) },
  installs: { summary: 'Install and Commission vs Install and Leave per day, installs vs prediction', run: (m, p, now) => flatRows(installRows(m.source, parse(m, p, now, { days: 28, granularity: 'day', by: [] }), m.config.installPredictionWeeks)) },
  'top-ups': { summary: 'top-up (2.2) success at the first and second attempt', run: (m, p, now) => flatRows(topUpRows(m.source, parse(m, p, now, { days: 7, granularity: 'day', by: [] }))) },
  'change-of-supplier': { summary: 'Change of Supplier (6.23) success, later SRs counting', run: (m, p, now) => flatRows(cosRows(m.source, parse(m, p, now, { days: 7, granularity: 'day', by: [] }))) },
  alerts: { summary: 'alert delivery time and % within the 60 s SLA per alert code (PDF: the alert report, with the sequences and outage clustering)', run: (m, p, now) => flatRows(alertRows(m.source, parse(m, p, now, { days: 7, granularity: 'day', by: [] }))) },
  availability: {
    summary: 'availability by CSP region, time-of-day band and day, with outages',
    run: (m, p, now) => availabilityTable(availabilityByRegion(m.source, m.log, { ...parsePeriod(p, m.source.calendar, now, 7), regions: regions(m, p) }, m.config.availability)),
  },
  reliability: {
    summary: 'incidents per category, MTTR and MTBF',
    run: (m, p, now) => reliabilityTable(reliability(m.log, { ...parsePeriod(p, m.source.calendar, now, 30), ...(p.region !== undefined ? { region: p.region } : {}) })),
  },
  peers: {
    summary: 'a party (--for <EUI-64>) against anonymised peers and the industry',
    run: (m, p, now) => {
      if (p.for === undefined) throw new HopwatchError('HW_COLLECTOR_REPORT', 'peers needs --for <party EUI-64>');
      const q = parse(m, { ...p, by: undefined }, now, { days: 30, granularity: 'total', by: [] });
      const by = p.by === 'process' ? 'process' : 'srv';
      return peerTable(peerReport(m.source, {
        party: p.for.toUpperCase(), ...(p.role !== undefined ? { userRole: p.role } : {}), fromMs: q.fromMs, toMs: q.toMs, period: q.period, by, filters: q.filters,
      }, m.config.peers.minPeers));
    },
  },
  'alert-credentials': { summary: 'N42 within seven days after N16, per recipient and Energy Supplier', run: (m, p, now) => flatRows(credentialsAfterIdentity(m.source, sequences(m, p, now))) },
  'alert-outages': { summary: 'Power Outage Alerts with no later Power Restoration Alert', run: (m, p, now) => flatRows(outagesWithoutRestoration(m.source, sequences(m, p, now)).rows) },
  'alert-firmware': { summary: 'firmware verification (0x8F72, 0x8F1C, or neither within the 11.1 TRT) after 11.1', run: (m, p, now) => flatRows(firmwareVerification(m.source, sequences(m, p, now)).rows) },
  'alert-failure-links': { summary: 'failure alerts (N12, N13) linked to the SR they fail, and not', run: (m, p, now) => flatRows(failureLinks(m.source, sequences(m, p, now))) },
  inventory: {
    summary: 'a party\'s estate (--for) at the end of --month: device types, models, firmware shares against peers',
    run: (m, p) => inventoryTable(inventoryOf(m, p)),
  },
  'inventory-devices': {
    summary: 'every device of a party\'s estate (--for) at the end of --month, with its fields',
    run: (m, p) => {
      const q = estateOf(p);
      return flatRows(estateDevices(m.source.ports.estate.estateAt(q.month, q.party)));
    },
  },
  compare: {
    summary: 'two firmware versions or device models (--dimension, --a, --b, --figure): medians, shift and success difference with 95 % intervals',
    run: (m, p, now, store) => comparisonTable(runComparison(journeys(store, 'compare'), m, p, now)),
  },
  'install-reads': {
    summary: 'installs (8.14.1) with no meter read within 30 days, per party (MP176 Table 1)',
    run: (m, p, now, store) => flatRows(installReads(journeys(store, 'install-reads'), m.source, processCheckQuery(m.source.calendar, p, now)).rows),
  },
  'cos-gain': {
    summary: 'Change of Supplier Gains (6.23): a read in the 30 days before, an install by the old supplier before (MP176 Table 1)',
    run: (m, p, now, store) => flatRows(cosGainChecks(journeys(store, 'cos-gain'), m.source, processCheckQuery(m.source.calendar, p, now))),
  },
  'power-outages': {
    summary: 'Power Outage Alerts per 3-minute window and CSP region: isolated events and wider outages',
    run: (m, p, now, store) => {
      const alertCodes = list(p.alertCode);
      const inRegions = list(p.region);
      const r = powerOutageReport(journeys(store, 'power-outages'), m.config.powerOutage, m.source.catalogue, {
        ...parsePeriod(p, m.source.calendar, now, 1), ...(alertCodes ? { alertCodes } : {}), ...(inRegions ? { regions: inRegions } : {}),
      });
      return flatRows(r.windows);
    },
  },
};

export function runReport(name: string, m: MetricReader, p: ReportParams, nowMs: number, store?: JourneyRecordStore): ReportTable {
  const report = REPORTS[name];
  if (!report) throw new HopwatchError('HW_COLLECTOR_REPORT', `unknown report ${JSON.stringify(name)}; one of ${Object.keys(REPORTS).join(', ')}`);
  const rows = report.run(m, p, nowMs, store);
  const by = name === 'peers' ? [] : parseBy(p.by, []);
  return { rows, header: HEADERS[name]?.(by) ?? [] };
}
