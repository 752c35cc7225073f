// `hopwatch report <name>` writes a report as CSV (or JSON, or PDF for some) from the
// collector's SQLite file, through read-only metric ports: no running collector is needed,
// and a running one is not disturbed. The reports that read journey records (compare,
// power-outages, the alerts PDF) also open the store itself, as `hopwatch agents` does.
import { existsSync, writeFileSync } from 'node:fs';
import { parseCommand } from '../../common/cli.js';
import { helpText, type FlagSpec } from '../../common/config.js';
import { HopwatchError } from '../../common/error-codes.js';
import { collectorDefaults, collectorFlags, loadCollectorConfig } from '../config.js';
import { loadCatalogue } from '../catalogue/catalogue.js';
import { openMetricReader } from '../metrics/engine.js';
import { parseMetricQuery } from '../metrics/metric-params.js';
import { precisionOf } from '../metrics/rollup-query.js';
import { rsvpRows } from '../metrics/rsvp.js';
import { openStoreBackend, storeKindOf, type StoreBackend } from '../store/open-backend.js';
import type { OpenedMetricPorts } from '../store/ports/metric-ports.js';
import { openPostgresMetricPorts } from '../store/postgres/metric-ports.js';
import { openSqliteMetricPorts } from '../store/sqlite/metric-ports.js';
import { toCsv } from './csv.js';
import { REPORTS, runReport, type ReportParams } from './report-runner.js';
import { renderPack } from './report-packs.js';
import { JOURNEY_REPORTS, PDF_REPORTS, renderReportPdf } from './report-pdfs.js';
import { renderRsvpPdf } from './rsvp-pdf.js';

/** The collector options a report reads (same config paths, so a collector config file serves). */
const CONFIG_FLAGS: readonly FlagSpec[] = [
  { flag: 'store', path: 'store.file', type: 'string', description: 'the collector\'s store, its SQLite file or a postgres:// URL (opened read-only)' },
  ...collectorFlags.filter((f) => f.flag === 'catalogue' || f.flag === 'time-zone'),
];
/** Report parameters as flags: the API's query parameters, kebab-cased. */
const PARAMS: readonly [flag: string, param: keyof ReportParams, description: string][] = [
  ['month', 'month', 'calendar month YYYY-MM (in the reporting time zone)'],
  ['from', 'from', 'first local date YYYY-MM-DD (or a date-time with an offset)'],
  ['to', 'to', 'exclusive end, like --from (default: end of today)'],
  ['granularity', 'granularity', 'hour, day, month or total'],
  ['by', 'by', 'dimensions to group by, comma-separated (srv, process, region, smets, deviceType, …)'],
  ['srv', 'srv', 'only these SRVs (or alert codes), comma-separated'],
  ['process', 'process', 'only these business processes'],
  ['region', 'region', 'only these CSP regions'],
  ['smets', 'smets', 'SMETS1 or SMETS2'],
  ['device-type', 'deviceType', 'only these device types'],
  ['device-model', 'deviceModel', 'only these device models'],
  ['firmware-version', 'firmwareVersion', 'only these firmware versions'],
  ['ch-firmware-version', 'chFirmwareVersion', 'only these CH firmware versions'],
  ['party', 'party', 'only these parties (originator EUI-64)'],
  ['user-role', 'userRole', 'only these User Roles'],
  ['for', 'for', 'peers, inventory: the party the report is for'],
  ['role', 'role', 'peers, inventory: its User Role, when it acts in several'],
  ['dimension', 'dimension', 'compare: chFirmwareVersion, firmwareVersion or deviceModel'],
  ['a', 'a', 'compare: the baseline value (e.g. the old firmware)'],
  ['b', 'b', 'compare: the candidate value; every difference is b - a'],
  ['figure', 'figure', 'compare: rttUs (default), dccUs, hanUs, chResidenceUs, cspRoundTripUs, … or a segment FROM-TO'],
  ['alert-code', 'alertCode', 'power-outages: Power Outage Alert codes, comma-separated'],
];

const USAGE = `Usage: hopwatch report <report> [options] > report.csv

Reads the collector's store (--store) and writes one report as CSV (--format json for JSON;
--format pdf for ${PDF_REPORTS.join(', ')}). Examples:
  hopwatch report rsvp --month 2026-10 --by srv,region > rsvp.csv
  hopwatch report compare --dimension chFirmwareVersion --a 2.1.0 --b 2.2.0 --figure hanUs --format pdf --out compare.pdf

Reports:
${Object.entries(REPORTS).map(([name, r]) => `  ${name.padEnd(20)}${r.summary}`).join('\n')}
  ${'mp122'.padEnd(20)}PDF pack: the MP122 monthly report (summary, RSVP per SRV and process, daily graphs, DSP/CSP, availability, alerts)
  ${'mp176'.padEnd(20)}PDF pack: a party (--for <EUI-64>) against anonymised peers and the industry`;

export async function reportCommand(argv: string[], out: (chunk: string | Buffer) => void = (c) => process.stdout.write(c)): Promise<void> {
  const extra = Object.fromEntries([...PARAMS.map(([flag]) => [flag, { type: 'string' as const }]), ['format', { type: 'string' as const }], ['out', { type: 'string' as const }]]);
  const cmd = parseCommand(argv, CONFIG_FLAGS, 'HW_COLLECTOR_REPORT', extra);
  if (cmd.help || cmd.positionals.length === 0) {
    const params = [...PARAMS, ['format', '', `csv (default), json, or pdf (${PDF_REPORTS.join(', ')}, mp122, mp176)`], ['out', '', 'write to this file instead of standard output']] as const;
    out(helpText(USAGE, CONFIG_FLAGS, collectorDefaults, `\nReport options:\n${params.map(([flag, , description]) => `  --${`${flag} <value>`.padEnd(30)}${description}`).join('\n')}\n`));
    return;
  }
  const [name, ...rest] = cmd.positionals;
  if (rest.length > 0) throw new HopwatchError('HW_COLLECTOR_REPORT', `unexpected argument ${JSON.stringify(rest[0])} (try --help)`);
  const format = (cmd.flags.format as string | undefined) ?? 'csv';
  if (!['csv', 'json', 'pdf'].includes(format)) throw new HopwatchError('HW_COLLECTOR_REPORT', `--format ${JSON.stringify(format)} is not csv, json or pdf`);
  const pack = name === 'mp122' || name === 'mp176';
  if (pack && format !== 'pdf') throw new HopwatchError('HW_COLLECTOR_REPORT', `${name} is a PDF pack: add --format pdf`);
  if (format === 'pdf' && !pack && !PDF_REPORTS.includes(name!)) throw new HopwatchError('HW_COLLECTOR_REPORT', `--format pdf is for ${PDF_REPORTS.join(', ')}, mp122 and mp176, not ${name}`);

  const config = loadCollectorConfig(cmd.configFile, cmd.flags);
  const params = Object.fromEntries(PARAMS.flatMap(([flag, param]) => (cmd.flags[flag] === undefined ? [] : [[param, cmd.flags[flag]]]))) as ReportParams;
  const location = config.store.file;
  const ports = openReportPorts(location);
  let backend: StoreBackend | undefined;
  try {
    if (JOURNEY_REPORTS.includes(name!) && (name !== 'alerts' || format === 'pdf')) backend = openJourneyStore(location);
    const reader = openMetricReader(ports, config.catalogueFile ? loadCatalogue(config.catalogueFile) : loadCatalogue(), config.metrics);
    if (reader.stale) process.stderr.write('warning: the rollups were built with another catalogue or metric settings; the collector rebuilds them when it next starts\n');
    const nowMs = Date.now();
    let body: string | Buffer;
    if (pack) {
      body = await renderPack(name, reader, params, nowMs);
    } else if (format === 'pdf' && name !== 'rsvp' && name !== 'processes') {
      body = await renderReportPdf(name!, reader, params, nowMs, backend?.store);
    } else if (format === 'pdf') {
      const q = parseMetricQuery(params, reader.source, nowMs, { days: 30, granularity: 'month', by: [name === 'processes' ? 'process' : 'srv'] });
      body = await renderRsvpPdf(rsvpRows(reader.source, q), {
        title: `RSVP by ${q.by.join(', ')}`, period: params.month ?? `${new Date(q.fromMs).toISOString()} to ${new Date(q.toMs).toISOString()}`,
        timeZone: config.metrics.timeZone, by: q.by, precision: precisionOf(reader.source), generatedAt: new Date(nowMs).toISOString(),
      });
    } else {
      const table = runReport(name!, reader, params, nowMs, backend?.store);
      body = format === 'json' ? `${JSON.stringify(table.rows, null, 1)}\n` : toCsv(table.rows, table.header);
    }
    const file = cmd.flags.out as string | undefined;
    if (file !== undefined) writeFileSync(file, body);
    else out(body);
  } finally {
    backend?.store.close();
    ports.close();
  }
}

/** The collector's store, for the journey records; a SQLite file must already exist (a report never creates one). */
function openJourneyStore(location: string): StoreBackend {
  if (storeKindOf(location) === 'sqlite' && (location === ':memory:' || !existsSync(location))) {
    throw new HopwatchError('HW_COLLECTOR_REPORT', `database ${location} does not exist (give --store, or run the collector first)`);
  }
  return openStoreBackend({ file: location, synchronous: 'normal' });
}

/** Read-only metric ports on the collector's store: PostgreSQL for a postgres:// URL, else the SQLite file. */
function openReportPorts(store: string): OpenedMetricPorts {
  return /^postgres(ql)?:\/\//.test(store) ? openPostgresMetricPorts(store, { readonly: true }) : openSqliteMetricPorts(store, { readonly: true });
}
