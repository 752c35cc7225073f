// The MP122 monthly pack as PDF: a summary page, RSVP per SRV and per business process, daily
// line graphs, the DSP/CSP split of each SRV's time against its budgets, availability by CSP
// region with its time-of-day bands and outages, and alert delivery against the 60 s SLA.
import { alertRows, type AlertRow } from '../metrics/alerts.js';
import { availabilityByRegion, type RegionAvailability } from '../metrics/availability-report.js';
import type { Downtime } from '../metrics/availability.js';
import type { MetricReader } from '../metrics/engine.js';
import { rsvpRows, type RsvpRow } from '../metrics/rsvp.js';
import type { PackPeriod } from './pack-period.js';
import { barChart, lineChart } from './pdf-charts.js';
import { createPdf, finishPdf, fixed, heading, note, seconds, table, type Column } from './pdf-layout.js';

interface Mp122Data {
  readonly total: RsvpRow | undefined;
  readonly bySrv: readonly RsvpRow[];
  readonly byProcess: readonly RsvpRow[];
  readonly daily: readonly RsvpRow[];
  readonly regions: readonly RegionAvailability[];
  readonly alerts: readonly AlertRow[];
}

export const COLORS = ['#1f5fa8', '#d9822b', '#2e8b57', '#a83232', '#7b4fa8', '#5a5a5a', '#c2a400', '#2bb3c0'];

function gather(m: MetricReader, p: PackPeriod): Mp122Data {
  const q = (period: 'total' | 'day', by: ('srv' | 'process')[]) => ({ fromMs: p.fromMs, toMs: p.toMs, period, by, filters: {} });
  const byVolume = (rows: RsvpRow[]) => rows.sort((a, b) => b.volume - a.volume);
  return {
    total: rsvpRows(m.source, q('total', []))[0],
    bySrv: byVolume(rsvpRows(m.source, q('total', ['srv']))),
    byProcess: byVolume(rsvpRows(m.source, q('total', ['process']))),
    daily: rsvpRows(m.source, q('day', [])),
    regions: availabilityByRegion(m.source, m.log, { fromMs: p.fromMs, toMs: p.toMs, regions: m.source.catalogue.data.cspRegions.map((r) => r.id) }, m.config.availability),
    alerts: alertRows(m.source, { fromMs: p.fromMs, toMs: p.toMs, period: 'total', by: [], filters: {} }),
  };
}

const rsvpColumns = (first: string, key: string): Column<RsvpRow>[] => [
  { header: first, width: 120, value: (r) => String(r[key] ?? '(none)') },
  { header: 'Volume', width: 55, align: 'right', value: (r) => String(r.volume) },
  { header: 'Success %', width: 55, align: 'right', value: (r) => fixed(r.successRatePct) },
  { header: 'Comms fail %', width: 62, align: 'right', value: (r) => fixed(r.payloadFailureRatePct) },
  { header: 'RTT mean s', width: 60, align: 'right', value: (r) => seconds(r.rttUs.mean) },
  { header: 'RTT median s', width: 64, align: 'right', value: (r) => seconds(r.rttUs.median) },
  { header: 'RTT p95 s', width: 56, align: 'right', value: (r) => seconds(r.rttUs.p95) },
  { header: 'DCC median s', width: 64, align: 'right', value: (r) => seconds(r.dccUs.median) },
  { header: 'TRT s', width: 46, align: 'right', value: (r) => (r.trtSeconds === null ? '-' : String(r.trtSeconds)) },
  { header: 'In TRT %', width: 52, align: 'right', value: (r) => fixed(r.withinTrtPct) },
  { header: 'DSP in budget %', width: 76, align: 'right', value: (r) => fixed(r.segments.dsp.withinPct) },
  { header: 'CSP in budget %', width: 76, align: 'right', value: (r) => fixed(r.segments.csp.withinPct) },
];

const downtimeColumns: Column<Downtime & { name: string }>[] = [
  { header: 'Band', width: 170, value: (b) => b.name },
  { header: 'Availability %', width: 80, align: 'right', value: (b) => fixed(b.availabilityPct, 3) },
  { header: 'Observed %', width: 70, align: 'right', value: (b) => fixed(b.observedPct) },
  { header: 'Up min', width: 60, align: 'right', value: (b) => String(b.upMinutes) },
  { header: 'Down min', width: 60, align: 'right', value: (b) => String(b.downMinutes) },
  { header: 'Unknown min', width: 70, align: 'right', value: (b) => String(b.unknownMinutes) },
  { header: 'Maintenance min', width: 85, align: 'right', value: (b) => String(b.maintenanceMinutes) },
  { header: 'Downtime h', width: 65, align: 'right', value: (b) => fixed(b.downtimeHours, 2) },
];

/** Alert delivery per alert code (the alerts PDF shows the same table). */
export const alertColumns: Column<AlertRow>[] = [
  { header: 'Alert code', width: 90, value: (a) => String(a.alertCode) },
  { header: 'Alerts', width: 60, align: 'right', value: (a) => String(a.alerts) },
  { header: 'Delivered', width: 60, align: 'right', value: (a) => String(a.delivered) },
  { header: 'Undelivered', width: 70, align: 'right', value: (a) => String(a.undelivered) },
  { header: 'Within SLA %', width: 75, align: 'right', value: (a) => fixed(a.withinSlaPct) },
  { header: 'Median s', width: 60, align: 'right', value: (a) => seconds(a.deliveryUs.median) },
  { header: 'p95 s', width: 60, align: 'right', value: (a) => seconds(a.deliveryUs.p95) },
];

export function renderMp122Pack(m: MetricReader, p: PackPeriod): Promise<Buffer> {
  const d = gather(m, p);
  const title = `MP122 monthly report ${p.label}`;
  const { doc, done } = createPdf({ title, subtitle: `Period ${p.label} (${m.config.timeZone}) · all parties · SEC Section H / MP122`, generatedAt: p.generatedAt });
  const days = d.daily.map((r) => r.period.slice(5));

  heading(doc, 'Summary');
  const t = d.total;
  const delivered = d.alerts.reduce((n, a) => n + a.withinSla, 0);
  const measured = d.alerts.reduce((n, a) => n + a.measured, 0);
  table(doc, [
    { header: 'Figure', width: 260, value: (r: [string, string]) => r[0] },
    { header: 'Value', width: 120, align: 'right', value: (r: [string, string]) => r[1] },
  ], [
    ['Service Requests', String(t?.volume ?? 0)],
    ['Successful (I0) %', fixed(t?.successRatePct)],
    ['Within Target Response Time %', fixed(t?.withinTrtPct)],
    ['Median round trip (RTT), s', seconds(t?.rttUs.median)],
    ['Median DCC time (HAN excluded), s', seconds(t?.dccUs.median)],
    ...d.regions.map((r): [string, string] => [`Availability ${r.region} %`, fixed(r.availabilityPct, 3)]),
    ['Alerts delivered within SLA %', fixed(measured > 0 ? (100 * delivered) / measured : null)],
  ]);
  lineChart(doc, { title: 'Service Requests per day', labels: days, series: [{ name: 'Volume', color: COLORS[0]!, values: d.daily.map((r) => r.volume) }], height: 100 });
  lineChart(doc, {
    title: 'Success and within-TRT share per day', labels: days, unit: ' %', height: 100,
    min: Math.max(0, Math.floor(Math.min(...d.daily.flatMap((r) => [r.successRatePct ?? 100, r.withinTrtPct ?? 100])) / 10) * 10 - 10), max: 100,
    series: [
      { name: 'Success %', color: COLORS[2]!, values: d.daily.map((r) => r.successRatePct) },
      { name: 'Within TRT %', color: COLORS[1]!, values: d.daily.map((r) => r.withinTrtPct) },
    ],
  });

  heading(doc, 'RSVP per SRV');
  note(doc, ['RTT: HAN-inclusive round trip (UG_IN to UG_OUT). DCC: HAN-exclusive time, judged against the TRT in force on each request\'s date (SEC Appendix E, SECMP0053).', 'Comms fail: E20/E21-type failures and no response (MP122). DSP/CSP in budget: share of measured segments within their part of the TRT.']);
  table(doc, rsvpColumns('SRV', 'srv'), d.bySrv);
  heading(doc, 'RSVP per business process');
  table(doc, rsvpColumns('Process', 'process'), d.byProcess);

  heading(doc, 'Daily round trip and DCC time', 150);
  lineChart(doc, {
    title: 'Median times per day', labels: days, unit: ' s', height: 110,
    series: [
      { name: 'RTT median', color: COLORS[0]!, values: d.daily.map((r) => (r.rttUs.median === null ? null : r.rttUs.median / 1e6)) },
      { name: 'DCC median', color: COLORS[1]!, values: d.daily.map((r) => (r.dccUs.median === null ? null : r.dccUs.median / 1e6)) },
      { name: 'RTT p95', color: COLORS[3]!, values: d.daily.map((r) => (r.rttUs.p95 === null ? null : r.rttUs.p95 / 1e6)) },
    ],
  });
  const split = d.bySrv.filter((r) => r.segments.dsp.measured + r.segments.csp.measured > 0).slice(0, 12);
  heading(doc, 'DSP / CSP split', 150);
  note(doc, ['Share of each SRV\'s DSP and CSP segments within their budgets (the DSP and CSP parts of the Target Response Time), the 12 busiest SRVs.']);
  barChart(doc, {
    title: 'Within budget %, DSP and CSP', labels: split.map((r) => String(r.srv)), unit: ' %', min: 0, max: 100, height: 100,
    series: [
      { name: 'DSP within budget', color: COLORS[0]!, values: split.map((r) => r.segments.dsp.withinPct) },
      { name: 'CSP within budget', color: COLORS[1]!, values: split.map((r) => r.segments.csp.withinPct) },
    ],
  });
  table(doc, [
    { header: 'SRV', width: 80, value: (r: RsvpRow) => String(r.srv) },
    { header: 'DSP budget s', width: 70, align: 'right', value: (r) => fixed(r.segments.dsp.budgetSeconds) },
    { header: 'DSP mean s', width: 70, align: 'right', value: (r) => seconds(r.segments.dsp.meanUs) },
    { header: 'DSP in budget %', width: 80, align: 'right', value: (r) => fixed(r.segments.dsp.withinPct) },
    { header: 'CSP budget s', width: 70, align: 'right', value: (r) => fixed(r.segments.csp.budgetSeconds) },
    { header: 'CSP mean s', width: 70, align: 'right', value: (r) => seconds(r.segments.csp.meanUs) },
    { header: 'CSP in budget %', width: 80, align: 'right', value: (r) => fixed(r.segments.csp.withinPct) },
  ], split);

  heading(doc, 'Availability by CSP region', 150);
  note(doc, ['Availability % = uptime / (uptime + unplanned downtime), minutes; planned maintenance is excluded (SEC H8.4). Observed %: minutes some probe of the region was alive.']);
  barChart(doc, {
    title: 'Availability % by region', labels: d.regions.map((r) => r.region), unit: ' %', height: 80,
    min: Math.min(99, ...d.regions.map((r) => Math.floor(r.availabilityPct ?? 100))), max: 100,
    series: [{ name: 'Availability', color: COLORS[2]!, values: d.regions.map((r) => r.availabilityPct) }],
  });
  for (const r of d.regions) {
    heading(doc, `${r.region}: ${fixed(r.availabilityPct, 3)} % available, ${r.downMinutes} minutes down`, 80);
    table(doc, downtimeColumns, [{ ...r, name: 'Whole period' }, ...r.bands.map((b) => ({ ...b, name: b.label }))]);
    table(doc, [
      { header: 'Outage from', width: 150, value: (o: RegionAvailability['outages'][number]) => o.from.replace('T', ' ').slice(0, 16) },
      { header: 'to', width: 150, value: (o) => o.to.replace('T', ' ').slice(0, 16) },
      { header: 'Minutes', width: 60, align: 'right', value: (o) => String(o.minutes) },
    ], r.outages, 'No outage in this period.');
  }

  heading(doc, 'Alert delivery', 150);
  note(doc, [`Time from the alert raised on the device to its delivery to the User, against the ${m.source.catalogue.data.alertSla.seconds} s SLA.`]);
  barChart(doc, {
    title: 'Delivered within SLA %', labels: d.alerts.map((a) => String(a.alertCode)), unit: ' %', min: 0, max: 100, height: 80,
    series: [{ name: 'Within SLA', color: COLORS[4]!, values: d.alerts.map((a) => a.withinSlaPct) }],
  });
  table(doc, alertColumns, d.alerts);

  finishPdf(doc, title);
  return done;
}
