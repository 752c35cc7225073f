// The metric engine's benchmark: `records` synthetic journey records spread over October 2026
// (64 SRVs weighted 1/rank, 3 regions, 8 device models, 12 parties, 200,000 devices, 3 %
// failures) go through the rollup sink exactly as ingest feeds it: ticks of 2,000 records, each
// in its own transaction, folds and compactions when due, then folds until compaction has caught
// up. Only the sink's time counts towards ingestRecordsPerS (making the records does not), the
// folds and compactions included. Then the monthly RSVP table for all SRVs is
// read from a fresh read-only connection, as `hopwatch report rsvp --month 2026-10` would, as
// the month ends and once it has closed; monthlyRsvpMs is the slower of the two (median of
// three runs each). The journeys table is left empty: reports never read it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../common/logger.js';
import { createContextInterner } from '../collector/join/context-interner.js';
import { JoinKey } from '../collector/join/join-key.js';
import type { RecordWrite } from '../collector/join/joiner.js';
import { buildRecord } from '../collector/join/journey-record.js';
import { loadCatalogue, type Catalogue } from '../collector/catalogue/catalogue.js';
import { createMetricEngine, openMetricReader } from '../collector/metrics/engine.js';
import { metricsDefaults, type MetricsConfig } from '../collector/metrics/metrics-config.js';
import { rsvpRows } from '../collector/metrics/rsvp.js';
import { openSqliteStore } from '../collector/store/sqlite-store.js';
import { openSqliteMetricPorts, sqliteMetricPorts } from '../collector/store/sqlite/metric-ports.js';
import type { CspRegionName, DeviceTypeName, JourneyContext, SmetsGenerationName } from '../proto/hop-context.js';
import { HopPoint } from '../proto/hop-point.js';

export interface MetricsBenchmarkResult {
  readonly monthlyRsvpMs: number;
  readonly records: number;
  readonly rollupRows: number;
  readonly ingestRecordsPerS: number;
}

const TICK = 2000;
const MONTH = '2026-10';
const REGIONS: readonly CspRegionName[] = ['NORTH', 'CENTRAL', 'SOUTH'];
const MODELS: readonly { model: string; type: DeviceTypeName; smets: SmetsGenerationName; firmware: readonly string[] }[] = [
  { model: 'EM-A1', type: 'ESME', smets: 'SMETS2', firmware: ['2.1.0', '2.2.0'] },
  { model: 'EM-B7', type: 'ESME', smets: 'SMETS2', firmware: ['4.0.1', '4.1.0'] },
  { model: 'EM-C2', type: 'ESME', smets: 'SMETS2', firmware: ['1.9.3', '2.0.0'] },
  { model: 'GM-G3', type: 'GSME', smets: 'SMETS2', firmware: ['1.4.2', '1.5.0'] },
  { model: 'GM-H1', type: 'GSME', smets: 'SMETS2', firmware: ['3.3.0', '3.4.1'] },
  { model: 'IHD-9', type: 'IHD', smets: 'SMETS2', firmware: ['7.0.0', '7.1.0'] },
  { model: 'S1-E', type: 'ESME', smets: 'SMETS1', firmware: ['S1-5', 'S1-6'] },
  { model: 'S1-G', type: 'GSME', smets: 'SMETS1', firmware: ['S1-2', 'S1-3'] },
];
const PARTIES = Array.from({ length: 12 }, (_, i) => ({
  eui: `90-B3-D5-1F-30-${(i + 1).toString(16).toUpperCase().padStart(2, '0')}-00-00`,
  role: ['IS', 'IS', 'IS', 'IS', 'IS', 'GS', 'GS', 'GS', 'ED', 'ED', 'ES', 'ES'][i]!,
}));
const DEVICES = 200_000;
const POINTS = ['UG_IN', 'DSP_OUT', 'CSP_OUT', 'CH_IN', 'HAN_OUT', 'HAN_IN', 'CH_OUT', 'CSP_IN', 'DSP_IN', 'UG_OUT'].map((p) => HopPoint[p as keyof typeof HopPoint]);
const AGENTS = ['gw', 'gw', 'csp', 'rig', 'rig', 'rig', 'rig', 'csp', 'gw', 'gw'];

/** A small deterministic generator (xorshift32), so every run builds the same month. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** SRVs weighted 1/rank (a few read and tariff SRVs carry most traffic, as on the DCC network). */
function srvPicker(catalogue: Catalogue): (u: number) => string {
  const first = ['4.8.1', '4.1.1', '1.1.1', '2.2', '4.6.1', '6.2.7', '4.17', '8.14.1', '8.1.1', '6.23'];
  const srvs = [...first, ...catalogue.data.srvs.map((s) => s.srv).filter((s) => !first.includes(s))];
  const cumulative: number[] = [];
  let total = 0;
  srvs.forEach((_, i) => cumulative.push((total += 1 / (i + 1))));
  return (u) => {
    const x = u * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return srvs[lo]!;
  };
}

function syntheticWrites(catalogue: Catalogue, startMs: number, spanMs: number, records: number): (from: number, to: number) => RecordWrite[] {
  const rnd = random(20261001);
  const pickSrv = srvPicker(catalogue);
  // The collector interns contexts (one object per distinct context); so does the benchmark.
  const contexts = createContextInterner();
  return (from, to) => {
    const out: RecordWrite[] = [];
    for (let i = from; i < to; i++) {
      const t0 = Math.round((startMs + (spanMs * (i + rnd())) / records) * 1000);
      const party = PARTIES[Math.floor(rnd() * PARTIES.length)]!;
      const model = MODELS[Math.floor(rnd() * MODELS.length)]!;
      const region = REGIONS[Math.floor(rnd() * REGIONS.length)]!;
      const device = Math.floor(rnd() * DEVICES);
      const context: JourneyContext = contexts.intern({
        srv: pickSrv(rnd()), cspRegion: region, smetsGeneration: model.smets, deviceType: model.type, deviceModel: model.model,
        firmwareVersion: model.firmware[Math.floor(rnd() * 2)]!, chFirmwareVersion: `CH-${region[0]}${Math.floor(rnd() * 2)}`, userRole: party.role,
      });
      const u = rnd();
      const code = u < 0.97 ? 'I0' : u < 0.985 ? 'E20' : u < 0.99 ? 'E21' : u < 0.995 ? 'E3' : undefined;
      const rtt = Math.round(1.5e6 - 2e6 * Math.log(1 - rnd()));
      const han = Math.round(0.2e6 + rnd() * Math.min(1e6, rtt / 3));
      const dsp = Math.round(0.1e6 + rnd() * 0.2e6);
      const csp = rtt - han - dsp;
      const at = [0, dsp / 2, dsp / 2 + 1000, dsp / 2 + csp / 2 - 1000, dsp / 2 + csp / 2, dsp / 2 + csp / 2 + han, dsp / 2 + csp / 2 + han + 1000, dsp / 2 + csp + han - 1000, dsp / 2 + csp + han, rtt];
      const n = code === undefined ? 1 : 10;
      const key = `${party.eui}:00-DB-00-00-00-${(device >>> 16).toString(16).toUpperCase().padStart(2, '0')}-${((device >>> 8) & 255).toString(16).toUpperCase().padStart(2, '0')}-${(device & 255).toString(16).toUpperCase().padStart(2, '0')}:${1_790_000_000_000 + i}`;
      const hops = { points: POINTS.slice(0, n), agentIds: AGENTS.slice(0, n), times: at.slice(0, n).map((d) => t0 + Math.round(d)), codes: at.slice(0, n).map((_, k) => (k === 9 ? code : undefined)) };
      const record = buildRecord({ key, hops, context, cause: code === undefined ? 'timeout' : 'final', amendments: 0 }, catalogue);
      out.push({ record, joinKey: JoinKey.parse(key)! });
    }
    return out;
  };
}

export async function runMetricsBenchmark(options: { records: number; log?: (line: string) => void }): Promise<MetricsBenchmarkResult> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-metrics-'));
  const file = join(dir, 'metrics.db');
  const catalogue = loadCatalogue();
  // A flooded collector folds every foldMaxRecords; this month passes in minutes, so its
  // record time (which closes days for compaction) must not trigger a fold every tick.
  const config: MetricsConfig = { ...metricsDefaults, foldIntervalMs: 86_400_000 };
  try {
    const store = openSqliteStore({ file, synchronous: 'normal' });
    const ports = sqliteMetricPorts(store);
    const engine = createMetricEngine({ ports, catalogue, config, agentStatuses: () => [], logger: silentLogger, nowMs: () => 0 });
    const [startMs, endMs] = engine.source.calendar.monthRange(MONTH);
    const writesFor = syntheticWrites(catalogue, startMs, endMs - startMs, options.records);
    let sinkMs = 0;
    const started = performance.now();
    for (let from = 0; from < options.records; from += TICK) {
      const writes = writesFor(from, Math.min(options.records, from + TICK));
      const tickMs = Number(writes[writes.length - 1]!.record.startedUs / 1000);
      const t = performance.now();
      store.transaction(() => engine.sink.onRecords(writes, tickMs));
      engine.sink.committed();
      sinkMs += performance.now() - t;
      if (from % 1_000_000 === 0 && from > 0) log(`  ${from.toLocaleString('en-GB')} records, sink ${(sinkMs / 1000).toFixed(1)} s, wall ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    // Folds until compaction has caught up with every day that closed before the month's end
    // (a collector receiving a month in minutes runs ahead of its compaction budget).
    const dayRows = () => ports.rollups.rowCount(1);
    const catchUp = (nowMs: number) => {
      const t = performance.now();
      for (let before = -1; before !== dayRows();) {
        before = dayRows();
        store.transaction(() => engine.sink.foldNow(nowMs));
        engine.sink.committed();
      }
      sinkMs += performance.now() - t;
    };
    catchUp(endMs);
    const ingestRecordsPerS = options.records / (sinkMs / 1000);
    const rollupRows = ports.rollups.rowCount();
    log(`built ${options.records.toLocaleString('en-GB')} records in ${((performance.now() - started) / 1000).toFixed(1)} s wall (sink ${(sinkMs / 1000).toFixed(1)} s: ${Math.round(ingestRecordsPerS).toLocaleString('en-GB')} records/s); ${rollupRows.toLocaleString('en-GB')} rollup rows; file ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB; ${engine.sink.counters.folds} folds, the slowest (with a day's compaction) ${engine.sink.counters.slowestFoldMs.toFixed(0)} ms`);

    // A fresh read-only connection and reader, as the CLI opens them.
    const monthlyRsvp = (label: string) => {
      const readonlyPorts = openSqliteMetricPorts(file, { readonly: true });
      const reader = openMetricReader(readonlyPorts, catalogue, config);
      const query = () => {
        const t0 = performance.now();
        const rows = rsvpRows(reader.source, { fromMs: startMs, toMs: endMs, period: 'month', by: ['srv'], filters: {} });
        const ms = performance.now() - t0;
        const volume = rows.reduce((n, r) => n + r.volume, 0);
        if (volume !== options.records) throw new Error(`monthly RSVP counted ${volume} records, expected ${options.records}`);
        return { ms, rows: rows.length };
      };
      const runs = [query(), query(), query()];
      readonlyPorts.close();
      log(`monthly RSVP ${label}, ${runs[0]!.rows} SRVs, exact medians and percentiles: ${runs.map((e) => e.ms.toFixed(0)).join(' / ')} ms (first / second / third run)`);
      return [...runs.map((e) => e.ms)].sort((a, b) => a - b)[1]!;
    };
    const openMonthMs = monthlyRsvp('as the month ends (day rows, the last day in hour rows)');
    const lastDay = engine.source.calendar.dayRange(engine.source.calendar.localDate(endMs - 1));
    const t1 = performance.now();
    const daily = rsvpRows(engine.source, { fromMs: lastDay[0], toMs: lastDay[1], period: 'day', by: ['srv'], filters: {} });
    log(`daily RSVP refresh for the last day (${daily.reduce((n, r) => n + r.volume, 0).toLocaleString('en-GB')} records, hour rows): ${(performance.now() - t1).toFixed(0)} ms`);
    // The month's last day closes and is compacted.
    catchUp(endMs + (config.compactAfterMinutes + 1) * 60_000);
    const closedMonthMs = monthlyRsvp('once the month is closed (day rows only)');
    store.close();
    return { monthlyRsvpMs: Math.max(openMonthMs, closedMonthMs), records: options.records, rollupRows, ingestRecordsPerS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
