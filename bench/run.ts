// `npm run bench`: hopwatch and the alternatives measured in the same run on the same
// machine, printed as a table and written to bench/results/latest.json. Every part uses
// the product's own code paths and defaults (the collector is the CLI, agents are agents).
//   npm run bench                  the full suite (about 20 minutes)
//   npm run bench -- --quick       every part with a tiny load (the harness smoke test)
//   npm run bench -- --only e2e,wire   some parts (written to bench/results/partial.json)
//   npm run bench -- --only postgres   end to end with the PostgreSQL store (a throwaway server)
//   npm run bench -- --only tap     the latency the DUIS tap adds at 1,000 requests/s (about 1.5 minutes)
//   npm run bench -- --only scale   1 and 2 collectors with --cluster on Mosquitto and one PostgreSQL (only when asked for)
//   npm run bench -- --only metrics --metrics-records 10000000   the metric engine at 10 million records (about 12 minutes: building the records is most of it)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger } from '../common/logger.js';
import { packageFile } from '../common/paths.js';
import { maxPacketBytesFor, startEmbeddedBroker } from '../collector/broker/embedded-broker.js';
import { createMqttDenials } from '../collector/broker/mqtt-denials.js';
import { collectorDefaults } from '../collector/config.js';
import { runEndToEnd, type EndToEndResult } from './end-to-end.js';
import { startThrowawayPostgres } from './throwaway-postgres.js';
import { runMetricsBenchmark } from './metrics-rsvp.js';
import { startMosquitto } from './mosquitto.js';
import { runNaivePipeline } from './naive-pipeline.js';
import { runOpenJourneys } from './open-journeys.js';
import { measureStampPath } from './stamp-path.js';
import { measureTapLatency } from './tap-latency.js';
import { measureWireSizes } from './wire-size.js';

export type Results = Record<string, number | string | Readonly<Record<string, number>>>;

interface Sizes {
  readonly stampHops: number;
  readonly otelHops: number;
  readonly wireJourneys: number;
  readonly probeS: number;
  readonly sustainS: number;
  readonly naiveRate: number;
  readonly naiveS: number;
  readonly freshnessS: number;
  readonly growthS: number;
  readonly growthIdle: readonly number[];
  readonly metricsRecords: number;
  readonly openJourneys: number;
  readonly openQuietS: number;
  readonly tapS: number;
}

const FULL: Sizes = {
  stampHops: 5_000_000, otelHops: 1_000_000, wireJourneys: 20_000, probeS: 15, sustainS: 60, naiveRate: 8000, naiveS: 20,
  freshnessS: 20, growthS: 15, growthIdle: [10_000, 40_000, 160_000], metricsRecords: 1_000_000, openJourneys: 1_000_000, openQuietS: 60, tapS: 60,
};
const QUICK: Sizes = {
  stampHops: 20_000, otelHops: 5_000, wireJourneys: 500, probeS: 3, sustainS: 3, naiveRate: 300, naiveS: 2,
  freshnessS: 3, growthS: 3, growthIdle: [100, 400], metricsRecords: 5_000, openJourneys: 10_000, openQuietS: 2, tapS: 2,
};

type Part = 'stamp' | 'wire' | 'e2e' | 'postgres' | 'scale' | 'mosquitto' | 'naive' | 'freshness' | 'growth' | 'metrics' | 'open' | 'tap';
const PARTS: readonly Part[] = ['stamp', 'wire', 'e2e', 'postgres', 'scale', 'mosquitto', 'naive', 'freshness', 'growth', 'metrics', 'open', 'tap'];
/** Parts that run only when named with --only: a cluster member can still stop the run (README "Running several collectors"). */
const ON_REQUEST: readonly Part[] = ['scale'];

// Above what one 2-core machine carries (about 100k hops/s), so the collector runs flat out; a
// far larger flood only measures the overload path (open journeys beyond join.maxResidentJourneys).
const PROBE_RATE = 200_000;
const TRAFFIC = { groups: 4, devicesPerGroup: 2000, sampleEvery: 50 } as const;
// Offered to the PostgreSQL store: a rate it carries on this machine, so the run shows its
// steady rate and zero loss rather than a backlog it drains after the run.
const POSTGRES_RATE = 50_000;
// Service Requests per second through the DUIS tap: about the DCC's national average (DOMAIN.md).
const TAP_RATE = 1000;
/** Figures taken in each slice of one run, as { slice_1, slice_2, … }. */
const bySlice = (xs: readonly number[]) => Object.fromEntries(xs.map((v, i) => [`slice_${i + 1}`, v]));

/** Offered to 1 and 2 clustered collectors: a rate one carries on this machine (overloaded, a member loses its leases: README "Running several collectors"). */
const SCALE_RATE = 30_000;
/** A run is sustained when nothing is lost and the backlog stays under this many seconds of traffic. */
const SUSTAINED_BACKLOG_S = 2;
/** Ramp steps, as a share of the probe's rate. */
const RAMP_STEP = 0.05;
const RAMP_MAX_STEPS = 8;

interface Ramp {
  /** The fastest run that was sustained, or undefined when no step was. */
  readonly best: EndToEndResult | undefined;
  /** The lowest run above `best` that was not sustained (or the last run when the ramp ran out of steps). */
  readonly failed: EndToEndResult;
  readonly bottleneck: string;
}

/**
 * The highest offered rate the system sustains for the full run with zero loss: start at 80 % of
 * the probe's rate and step up until a run loses hops or falls behind, or, when that first rate
 * already fails, step down until one holds. The bottleneck is that of the lowest rate that failed
 * above the one that held.
 */
async function rampToCapacity(probe: EndToEndResult, size: Sizes, quick: boolean, run: (rate: number) => Promise<EndToEndResult>, log: (line: string) => void): Promise<Ramp> {
  const unit = quick ? 500 : 5000;
  const step = Math.max(unit, Math.round((probe.steadyHopsPerS * RAMP_STEP) / unit) * unit);
  let rate = Math.max(unit, Math.floor((probe.steadyHopsPerS * 0.8) / unit) * unit);
  let best: EndToEndResult | undefined;
  let failed: EndToEndResult | undefined;
  for (let i = 0; i < (quick ? 2 : RAMP_MAX_STEPS); i++) {
    log(`end to end, embedded broker: ${size.sustainS} s at ${rate} hops/s offered`);
    const result = await run(rate);
    const sustained = result.lostHops === 0 && result.maxBacklogS <= SUSTAINED_BACKLOG_S;
    log(`  ${sustained ? 'sustained' : 'not sustained'}: lost ${result.lostHops}, backlog up to ${result.maxBacklogS.toFixed(2)} s; collector ${result.collectorCores.toFixed(2)} cores, load generator ${result.loadCores.toFixed(2)}`);
    if (sustained) {
      best = result;
      if (failed !== undefined) break;
      rate += step;
    } else {
      failed = result;
      if (best !== undefined || rate <= unit) break;
      rate = Math.max(unit, rate - step);
    }
  }
  if (failed === undefined) return { best, failed: best ?? probe, bottleneck: `not reached within ${RAMP_MAX_STEPS} steps; ${bottleneckOf(best ?? probe)}` };
  return { best, failed, bottleneck: bottleneckOf(failed) };
}

function bottleneckOf(r: EndToEndResult): string {
  const busiest = r.collectorCores >= r.loadCores ? 'collector' : 'load generator (agents)';
  return `${busiest}: collector (with its broker) ${r.collectorCores.toFixed(2)} cores, load generator ${r.loadCores.toFixed(2)} cores`;
}

/** The embedded aedes broker the collector runs, with nothing of hopwatch subscribed (for the naive pipeline). */
async function startBareBroker(): Promise<{ url: string; stop: () => Promise<void> }> {
  const ignore = () => undefined;
  const limits = { ...collectorDefaults.broker.limits, maxPacketBytes: maxPacketBytesFor(collectorDefaults.ingest.maxBatchBytes) };
  const link = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: silentLogger, denials: createMqttDenials(), limits }, {
    onHops: ignore, onStatus: ignore, onTimeRequest: ignore, onTimeSample: ignore,
  });
  return { url: link.agentUrl, stop: () => link.close() };
}

export async function runSuite(options: { quick: boolean; only?: readonly Part[]; metricsRecords?: number; log: (line: string) => void }): Promise<Results> {
  const size = { ...(options.quick ? QUICK : FULL), ...(options.metricsRecords ? { metricsRecords: options.metricsRecords } : {}) };
  const want = (part: Part) => (options.only ? options.only.includes(part) : !ON_REQUEST.includes(part));
  const log = options.log;
  const r: Results = {};
  const e2e = (broker: 'embedded' | 'mosquitto', hopsPerSecond: number, durationS: number, extra: Partial<Parameters<typeof runEndToEnd>[0]> = {}) =>
    runEndToEnd({ broker, hopsPerSecond, durationS, ...TRAFFIC, ...extra });

  if (want('stamp')) {
    log('agent hot path: stamp() against OpenTelemetry spans');
    const s = await measureStampPath({ hops: size.stampHops, otelHops: size.otelHops });
    Object.assign(r, { stamp_per_s: s.stampPerS, stamp_call_ns: s.stampCallNs, otel_span_per_s: s.otelSpanPerS, stamp_vs_otel_ratio: s.stampPerS / s.otelSpanPerS });
  }
  if (want('wire')) {
    log('wire size per hop: hopwatch batch, OTLP spans, JSON');
    const w = await measureWireSizes({ journeys: size.wireJourneys });
    Object.assign(r, {
      bytes_per_hop: w.bytesPerHop, bytes_per_hop_by_column: w.bytesPerHopByField, otlp_bytes_per_hop: w.otlpBytesPerHop, json_bytes_per_hop: w.jsonBytesPerHop,
      otlp_vs_hopwatch_size_ratio: w.otlpBytesPerHop / w.bytesPerHop,
    });
  }
  if (want('e2e')) {
    log(`end to end, embedded broker: capacity probe (${size.probeS} s at ${PROBE_RATE / 1000}k hops/s offered)`);
    const probe = await e2e('embedded', options.quick ? 5000 : PROBE_RATE, size.probeS);
    const ramp = await rampToCapacity(probe, size, options.quick, (rate) => e2e('embedded', rate, size.sustainS, { log: (l) => log(l) }), log);
    const sustained = ramp.best ?? ramp.failed;
    Object.assign(r, {
      e2e_probe_hops_per_s: probe.steadyHopsPerS,
      e2e_capacity_hops_per_s: ramp.best?.offeredHopsPerS ?? 0,
      e2e_bottleneck: ramp.bottleneck,
      e2e_hops_per_s: sustained.steadyHopsPerS,
      e2e_offered_hops_per_s: sustained.offeredHopsPerS,
      e2e_lost_hops: sustained.lostHops,
      e2e_unrecorded_journeys: sustained.journeys - sustained.recordedJourneys,
      e2e_max_backlog_s: sustained.maxBacklogS,
      collector_rss_mb: sustained.collectorPeakRssMb,
      collector_rss_heap_total_mb: sustained.collectorRssAtPeak.heapTotalMb,
      collector_rss_heap_used_mb: sustained.collectorRssAtPeak.heapUsedMb,
      collector_rss_external_mb: sustained.collectorRssAtPeak.externalMb,
      collector_rss_other_mb: sustained.collectorRssAtPeak.otherMb,
      agent_rss_mb: sustained.agentPeakRssMb,
      collector_cpu_s_per_million_hops: sustained.collectorCpuSPerMillionHops,
      agent_cpu_s_per_million_hops: sustained.agentCpuSPerMillionHops,
    });
  }
  if (want('postgres')) {
    const rate = options.quick ? 5000 : POSTGRES_RATE;
    log(`end to end with the PostgreSQL store (a throwaway server on loopback): ${size.probeS * 2} s at ${rate / 1000}k hops/s offered`);
    const server = await startThrowawayPostgres();
    try {
      const p = await e2e('embedded', rate, size.probeS * 2, { postgresUrl: server.createDatabase('bench') });
      Object.assign(r, {
        e2e_postgres_hops_per_s: p.steadyHopsPerS, e2e_postgres_lost_hops: p.lostHops, e2e_postgres_unrecorded_journeys: p.journeys - p.recordedJourneys,
        e2e_postgres_collector_cpu_s_per_million_hops: p.collectorCpuSPerMillionHops, e2e_postgres_collector_rss_mb: p.collectorPeakRssMb,
      });
    } finally {
      server.stop();
    }
  }
  if (want('scale')) {
    const rate = options.quick ? 5000 : SCALE_RATE;
    const server = await startThrowawayPostgres();
    try {
      let best = 0;
      for (const members of [1, 2]) {
        log(`scale: ${members} collector${members > 1 ? 's' : ''} with --cluster on Mosquitto and PostgreSQL, ${size.probeS * 2} s at ${rate / 1000}k hops/s offered`);
        const c = await e2e('mosquitto', rate, size.probeS * 2, { postgresUrl: server.createDatabase(`scale${members}`), clusterMembers: members });
        const n = members === 1 ? '1_collector' : `${members}_collectors`;
        if (c.lostHops === 0 && c.maxBacklogS <= SUSTAINED_BACKLOG_S) best = Math.max(best, c.steadyHopsPerS);
        Object.assign(r, {
          [`scale_postgres_hops_per_s_${n}`]: c.steadyHopsPerS, [`scale_postgres_lost_hops_${n}`]: c.lostHops,
          [`scale_postgres_max_backlog_s_${n}`]: c.maxBacklogS, [`scale_collector_cpu_us_per_hop_${n}`]: c.collectorCpuSPerMillionHops,
          [`scale_collector_cores_${n}`]: c.collectorCores,
        });
      }
      r.scale_postgres_hops_per_s = best;
    } finally {
      server.stop();
    }
  }
  if (want('mosquitto')) {
    log(`end to end through Mosquitto (${size.sustainS / 2} s at ${PROBE_RATE / 1000}k hops/s offered)`);
    const m = await e2e('mosquitto', options.quick ? 5000 : PROBE_RATE, Math.max(3, size.sustainS / 2));
    Object.assign(r, { e2e_mosquitto_hops_per_s: m.steadyHopsPerS, e2e_mosquitto_lost_hops: m.lostHops });
  }
  if (want('naive')) {
    const dir = mkdtempSync(join(tmpdir(), 'hopwatch-naive-'));
    try {
      for (const broker of ['embedded', 'mosquitto'] as const) {
        log(`naive pipeline (one JSON message and one SQLite row per hop), ${broker} broker`);
        const server = broker === 'mosquitto' ? await startMosquitto(dir) : await startBareBroker();
        const n = await runNaivePipeline({
          brokerUrl: server.url, hopsPerSecond: size.naiveRate, durationS: size.naiveS, dataDir: join(dir, broker),
        }).finally(() => server.stop());
        const prefix = broker === 'embedded' ? 'naive' : 'naive_mosquitto';
        Object.assign(r, { [`${prefix}_hops_per_s`]: n.hopsPerS, [`${prefix}_lost_hops`]: n.lostHops });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (typeof r.e2e_hops_per_s === 'number') r.e2e_vs_naive_ratio = r.e2e_hops_per_s / (r.naive_hops_per_s as number);
  }
  if (want('freshness')) {
    const rate = options.quick ? 2000 : 50_000;
    log(`freshness: final stamp to record committed, at ${rate} hops/s`);
    const f = await e2e('embedded', rate, size.freshnessS, { sampleEvery: 10 });
    Object.assign(r, { freshness_hops_per_s: rate, freshness_p50_ms: f.freshnessP50Ms, freshness_p99_ms: f.freshnessP99Ms });
  }
  if (want('growth')) {
    const rate = options.quick ? 2000 : 50_000;
    const base: EndToEndResult[] = [];
    for (const [i, factor] of [1, 4, 16].slice(0, size.growthIdle.length).entries()) {
      log(`growth: ${factor}x agents and open journeys at ${rate} hops/s`);
      const g = await e2e('embedded', rate, size.growthS, { groups: TRAFFIC.groups * factor, idleJourneys: size.growthIdle[i]! });
      base.push(g);
      Object.assign(r, {
        [`growth_${factor}x_collector_cpu_us_per_hop`]: g.collectorCpuSPerMillionHops,
        [`growth_${factor}x_agents`]: TRAFFIC.groups * factor * 3,
        [`growth_${factor}x_open_journeys_peak`]: g.openJourneysPeak,
        [`growth_${factor}x_collector_rss_mb`]: g.collectorPeakRssMb,
      });
    }
    const [first, , last] = base;
    if (first !== undefined && last !== undefined) r.collector_us_per_hop_growth_16x = last.collectorCpuSPerMillionHops / first.collectorCpuSPerMillionHops;
  }
  if (want('metrics')) {
    log(`metric engine: monthly RSVP over ${size.metricsRecords} records`);
    const m = await runMetricsBenchmark({ records: size.metricsRecords, log });
    Object.assign(r, { metrics_records: m.records, monthly_rsvp_ms: m.monthlyRsvpMs, rollup_rows: m.rollupRows, rollup_records_per_s: m.ingestRecordsPerS });
  }
  if (want('open')) {
    log(`${size.openJourneys} open 24-hour-class journeys, and a restart`);
    const o = await runOpenJourneys({ journeys: size.openJourneys, quietS: size.openQuietS, log });
    Object.assign(r, {
      open_journeys: o.journeys, open_journeys_peak_rss_mb: o.peakRssMb, open_journeys_held_rss_mb: o.heldRssMb,
      open_journeys_after_restart: o.openAfterRestart, open_journeys_restart_s: o.restartS,
    });
  }
  if (want('tap')) {
    log(`DUIS tap: added latency at ${TAP_RATE} requests/s, ${size.tapS} s of direct, relayed and tapped exchanges interleaved`);
    // Ten seconds unmeasured: on this machine the first three or four, as connections open and code warms, still carry a backlog.
    const t = await measureTapLatency({ requestsPerSecond: TAP_RATE, durationS: size.tapS, warmupS: options.quick ? 1 : 10, log });
    Object.assign(r, {
      tap_direct_p50_ms: t.direct.p50Ms, tap_direct_p99_ms: t.direct.p99Ms, tap_p50_ms: t.tapped.p50Ms, tap_p99_ms: t.tapped.p99Ms,
      tap_relay_p50_ms: t.relayed.p50Ms, tap_relay_p99_ms: t.relayed.p99Ms, tap_relay_added_p50_ms: t.relayAddedP50Ms, tap_relay_added_p99_ms: t.relayAddedP99Ms,
      tap_one_at_a_time_relay_p50_ms: t.oneAtATimeRelayP50Ms,
      tap_added_p50_ms: t.addedP50Ms, tap_added_p99_ms: t.addedP99Ms, tap_cpu_us_per_exchange: t.tapCpuUsPerExchange, tap_scan_us_per_message: t.scanUsPerMessage,
      tap_one_at_a_time_direct_p50_ms: t.oneAtATimeDirectP50Ms, tap_one_at_a_time_p50_ms: t.oneAtATimeTapP50Ms, tap_requests: t.tapped.requests,
      tap_failed_requests: t.direct.failed + t.tapped.failed + t.relayed.failed, tap_stamped_hops: t.stamped, tap_unstamped: t.unstamped,
      tap_failed_requests_by_path: { direct: t.direct.failed, relay: t.relayed.failed, tap: t.tapped.failed },
      tap_leg_failures: t.tapLegFailures, tap_failure_reasons: t.failureReasons,
      tap_added_p50_ms_by_slice: bySlice(t.sliceAddedP50Ms), tap_added_p99_ms_by_slice: bySlice(t.sliceAddedP99Ms),
      tap_added_p99_ms_slice_range: Math.max(...t.sliceAddedP99Ms) - Math.min(...t.sliceAddedP99Ms),
      tap_relay_added_p99_ms_by_slice: bySlice(t.sliceRelayAddedP99Ms),
      tap_timer_late_p99_ms: t.timerLateness.p99Ms, tap_timer_late_p999_ms: t.timerLateness.p999Ms, tap_timer_late_p99_ms_by_slice: bySlice(t.timerLateness.sliceP99Ms),
      tap_sender_late_p99_ms: t.senderLateP99Ms, tap_sender_cores: t.senderCores, tap_proxy_cpu_us_per_exchange: t.tapProxyCpuUsPerExchange,
    });
  }
  return r;
}

const LABELS: [string, string][] = [
  ['stamp_per_s', 'stamp() per second, sustained (encoding and SQLite included)'],
  ['stamp_call_ns', 'stamp() call, ns'],
  ['otel_span_per_s', 'OpenTelemetry SDK spans per second'],
  ['stamp_vs_otel_ratio', 'ratio stamp / span'],
  ['bytes_per_hop', 'bytes per hop, full hopwatch batch'],
  ['bytes_per_hop_by_column', '  by field of the batch'],
  ['otlp_bytes_per_hop', 'bytes per hop, OTLP protobuf spans'],
  ['json_bytes_per_hop', 'bytes per hop, JSON'],
  ['otlp_vs_hopwatch_size_ratio', 'ratio OTLP / hopwatch'],
  ['e2e_capacity_hops_per_s', 'end to end capacity: highest rate sustained with zero loss, hops/s (embedded broker)'],
  ['e2e_bottleneck', '  bottleneck above it'],
  ['e2e_hops_per_s', 'end to end, stored hops/s in that run'],
  ['e2e_lost_hops', 'hops lost in that run'],
  ['e2e_postgres_hops_per_s', 'end to end with the PostgreSQL store, hops/s'],
  ['e2e_postgres_lost_hops', 'hops lost with the PostgreSQL store'],
  ['e2e_mosquitto_hops_per_s', 'end to end through Mosquitto, hops/s'],
  ['scale_postgres_hops_per_s_1_collector', 'one collector with --cluster (Mosquitto, PostgreSQL), stored hops/s'],
  ['scale_postgres_hops_per_s_2_collectors', 'two collectors with --cluster, stored hops/s'],
  ['scale_postgres_lost_hops_1_collector', '  hops lost, one collector'],
  ['scale_postgres_lost_hops_2_collectors', '  hops lost, two collectors'],
  ['scale_postgres_max_backlog_s_1_collector', '  largest backlog, one collector, s'],
  ['scale_postgres_max_backlog_s_2_collectors', '  largest backlog, two collectors, s'],
  ['scale_collector_cpu_us_per_hop_1_collector', '  collector CPU us/hop, one collector'],
  ['scale_collector_cpu_us_per_hop_2_collectors', '  collector CPU us/hop, both collectors together'],
  ['scale_collector_cores_1_collector', '  cores the collector kept busy'],
  ['scale_collector_cores_2_collectors', '  cores both collectors kept busy'],
  ['scale_postgres_hops_per_s', 'best of those sustained (0 lost, backlog under 2 s), hops/s'],
  ['naive_hops_per_s', 'naive pipeline, hops/s (embedded broker)'],
  ['naive_mosquitto_hops_per_s', 'naive pipeline through Mosquitto, hops/s'],
  ['e2e_vs_naive_ratio', 'ratio hopwatch / naive'],
  ['freshness_p50_ms', 'freshness p50, ms'],
  ['freshness_p99_ms', 'freshness p99, ms'],
  ['collector_rss_mb', 'collector peak RSS at the sustained rate, MB'],
  ['collector_rss_heap_total_mb', '  of it V8 heap, MB'],
  ['collector_rss_heap_used_mb', '  V8 heap in use (live and not yet collected), MB'],
  ['collector_rss_external_mb', '  Buffers and typed arrays, MB'],
  ['collector_rss_other_mb', '  the rest (SQLite cache, malloc arenas, code), MB'],
  ['agent_rss_mb', 'agents\' process peak RSS at the sustained rate, MB'],
  ['collector_cpu_s_per_million_hops', 'collector CPU s per million hops'],
  ['agent_cpu_s_per_million_hops', 'agents\' CPU s per million hops'],
  ['growth_1x_collector_cpu_us_per_hop', 'collector CPU us/hop, 1x agents and open journeys'],
  ['growth_4x_collector_cpu_us_per_hop', 'collector CPU us/hop, 4x'],
  ['growth_16x_collector_cpu_us_per_hop', 'collector CPU us/hop, 16x'],
  ['collector_us_per_hop_growth_16x', 'growth of collector CPU per hop, 16x / 1x'],
  ['monthly_rsvp_ms', 'monthly RSVP table, ms'],
  ['metrics_records', '  over records'],
  ['rollup_records_per_s', 'records per second into the rollups (one core)'],
  ['open_journeys_held_rss_mb', 'collector RSS holding the open journeys, MB'],
  ['open_journeys_peak_rss_mb', 'collector RSS peak while they arrive, MB'],
  ['open_journeys_after_restart', 'open journeys after a restart'],
  ['tap_direct_p50_ms', 'DUIS exchange direct, p50 ms'],
  ['tap_direct_p99_ms', 'DUIS exchange direct, p99 ms'],
  ['tap_p50_ms', 'DUIS exchange through hopwatch tap, p50 ms'],
  ['tap_p99_ms', 'DUIS exchange through hopwatch tap, p99 ms'],
  ['tap_added_p50_ms', 'latency the tap adds, p50 ms'],
  ['tap_added_p99_ms', 'latency the tap adds, p99 ms'],
  ['tap_relay_p50_ms', 'DUIS exchange through a TCP relay (copies bytes only), p50 ms'],
  ['tap_relay_p99_ms', 'DUIS exchange through a TCP relay (copies bytes only), p99 ms'],
  ['tap_relay_added_p50_ms', 'latency the TCP relay adds (any proxy\'s floor here), p50 ms'],
  ['tap_relay_added_p99_ms', 'latency the TCP relay adds (any proxy\'s floor here), p99 ms'],
  ['tap_one_at_a_time_direct_p50_ms', 'one DUIS exchange at a time, direct, p50 ms'],
  ['tap_one_at_a_time_p50_ms', 'one DUIS exchange at a time, through the tap, p50 ms'],
  ['tap_one_at_a_time_relay_p50_ms', 'one DUIS exchange at a time, through the TCP relay, p50 ms'],
  ['tap_cpu_us_per_exchange', 'tap process CPU per exchange (request and acknowledgement), us'],
  ['tap_scan_us_per_message', 'reading one DUIS header, CPU us'],
  ['tap_failed_requests', 'DUIS exchanges failed (direct, relayed and tapped)'],
  ['tap_failed_requests_by_path', '  by path (an error, a connection closed early, or no answer within 10 s)'],
  ['tap_leg_failures', '  as the tap counted them on its DCC leg'],
  ['tap_failure_reasons', '  why, by path URL'],
  ['tap_added_p50_ms_by_slice', '  latency the tap adds, p50 ms, in each slice of the same run'],
  ['tap_added_p99_ms_by_slice', '  latency the tap adds, p99 ms, in each slice of the same run'],
  ['tap_added_p99_ms_slice_range', '  spread of the tap\'s added p99 between slices, ms'],
  ['tap_relay_added_p99_ms_by_slice', '  latency the TCP relay adds, p99 ms, in each slice'],
  ['tap_timer_late_p99_ms', 'a 1 ms timer alone in a process, beside the traffic: late by, p99 ms (the machine\'s floor)'],
  ['tap_timer_late_p999_ms', '  the same, p99.9 ms'],
  ['tap_timer_late_p99_ms_by_slice', '  the same, p99 ms, in each slice'],
  ['tap_sender_late_p99_ms', 'the load generator\'s 1 ms tick: late by, p99 ms'],
  ['tap_sender_cores', 'cores the load generator kept busy'],
  ['tap_proxy_cpu_us_per_exchange', 'tap proxy thread CPU per exchange, us'],
];

function table(r: Results): string {
  const number = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-GB') : v.toFixed(2));
  const fmt = (v: Results[string]) => (typeof v === 'string' ? v : typeof v === 'number' ? number(v) : Object.entries(v).map(([k, n]) => `${k} ${number(n)}`).join(', '));
  const rows = LABELS.filter(([k]) => r[k] !== undefined).map(([k, label]) => `| ${label} | ${fmt(r[k]!)} |`);
  return ['| measure | value |', '|---|---|', ...rows].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, 'metrics-records': { type: 'string' } } });
  const metricsRecords = values['metrics-records'] === undefined ? undefined : Number(values['metrics-records']);
  if (metricsRecords !== undefined && !(Number.isInteger(metricsRecords) && metricsRecords > 0)) throw new Error(`--metrics-records ${values['metrics-records']} must be a positive integer`);
  const only = values.only?.split(',').map((p) => p.trim()) as Part[] | undefined;
  for (const p of only ?? []) if (!PARTS.includes(p)) throw new Error(`unknown part ${p}; parts: ${PARTS.join(', ')}`);
  const started = Date.now();
  const results = await runSuite({ quick: values.quick === true, ...(only ? { only } : {}), ...(metricsRecords ? { metricsRecords } : {}), log: (l) => process.stderr.write(`[${Math.round((Date.now() - started) / 1000)} s] ${l}\n`) });
  const meta = {
    date: new Date().toISOString(), node: process.version, cpus: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30),
    wall_s: Math.round((Date.now() - started) / 1000), quick: values.quick === true,
  };
  const out = { ...meta, ...results };
  mkdirSync(packageFile('bench', 'results'), { recursive: true });
  // Only a full run replaces latest.json, the figures the README quotes.
  const file = values.quick ? 'quick.json' : only ? 'partial.json' : 'latest.json';
  writeFileSync(packageFile('bench', 'results', file), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${table(results)}\n\n${meta.date}, ${meta.cpus} cores, ${meta.memory_gib} GiB, Node ${meta.node}, ${meta.wall_s} s\n`);
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
