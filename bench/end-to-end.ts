// End to end: agents (in a load process) -> broker -> collector (the CLI, default settings,
// as `npm start` runs it) -> stored, joined records. Measures throughput, loss, freshness
// (final stamp to record committed) and each side's memory and CPU.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { packageFile } from '../common/paths.js';
import { spawnCollector, type CollectorProcess } from './collector-process.js';
import type { LoadProcessOptions } from './load-process.js';
import { scrapeMetrics } from './metrics-scrape.js';
import { freePort, startMosquitto, type Mosquitto } from './mosquitto.js';
import { percentile } from '../collector/metrics/stats.js';
import { openSyncPostgres } from '../collector/store/postgres/sync-postgres.js';
import { waitFor } from '../common/wait-for.js';

/** Each stored record's key and write time, from the SQLite file or the PostgreSQL database. */
function* writtenRecords(store: string): Iterable<{ key: string; writtenAtMs: number }> {
  const sql = 'SELECT key, written_at_ms AS "writtenAtMs" FROM journeys';
  if (store.startsWith('postgres')) {
    const pg = openSyncPostgres(store);
    try {
      yield* pg.query<{ key: string; writtenAtMs: number }>(sql);
    } finally {
      pg.close();
    }
    return;
  }
  const sqlite = new Database(store, { readonly: true });
  try {
    yield* sqlite.prepare(sql).iterate() as Iterable<{ key: string; writtenAtMs: number }>;
  } finally {
    sqlite.close();
  }
}

export interface EndToEndOptions {
  readonly broker: 'embedded' | 'mosquitto';
  readonly hopsPerSecond: number;
  readonly durationS: number;
  readonly groups: number;
  readonly devicesPerGroup: number;
  /** Sample one journey in this many for freshness. */
  readonly sampleEvery: number;
  /** The collector's store: its SQLite file in a temp dir (the default), or this PostgreSQL database. */
  readonly postgresUrl?: string;
  /** Open 24-hour-class journeys started before the traffic, to load the joiner (growth runs). */
  readonly idleJourneys?: number;
  /** Run this many collectors with --cluster (Mosquitto and PostgreSQL only), sharing the partitions; figures add up over them. */
  readonly clusterMembers?: number;
  readonly log?: (line: string) => void;
}

export interface EndToEndResult {
  readonly offeredHopsPerS: number;
  readonly stampedHops: number;
  readonly storedHops: number;
  readonly journeys: number;
  readonly recordedJourneys: number;
  readonly lostHops: number;
  /** Stamped hops / time from the first stamp until the last of them was stored. */
  readonly hopsPerS: number;
  /** Hops stored per second between the end of the ramp-up (5 s) and the end of the traffic. */
  readonly steadyHopsPerS: number;
  /** Largest backlog (stamped, not yet stored) seen during the run, in seconds of traffic. */
  readonly maxBacklogS: number;
  readonly freshnessP50Ms: number;
  readonly freshnessP99Ms: number;
  readonly collectorPeakRssMb: number;
  /** What the RSS is made of at its peak: V8 heap (total, used), memory outside the heap (Buffers, typed arrays), and the rest (SQLite's cache, malloc arenas, code). */
  readonly collectorRssAtPeak: { readonly heapTotalMb: number; readonly heapUsedMb: number; readonly externalMb: number; readonly otherMb: number };
  readonly collectorCpuSPerMillionHops: number;
  readonly agentPeakRssMb: number;
  /** Cores each process kept busy over the run (CPU seconds / wall seconds): the broker runs inside the collector. */
  readonly collectorCores: number;
  readonly loadCores: number;
  readonly agentCpuSPerMillionHops: number;
  readonly openJourneysPeak: number;
}

interface Progress { type: 'progress' | 'done'; stamped: number; started: number; finals: [string, number][]; peakRssBytes?: number; cpuSeconds?: number; droppedHops?: number }

export async function runEndToEnd(o: EndToEndOptions): Promise<EndToEndResult> {
  const log = o.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-bench-'));
  let mosquitto: Mosquitto | undefined;
  let load: ChildProcess | undefined;
  const httpPort = await freePort();
  const brokerPort = await freePort();
  const db = join(dir, 'collector.db');
  try {
    if (o.broker === 'mosquitto') mosquitto = await startMosquitto(dir);
    const collectors = o.clusterMembers === undefined
      ? [await spawnCollector([...(mosquitto ? ['--broker', mosquitto.url, '--client-id', `bench-${brokerPort}`] : ['--broker-port', String(brokerPort)]), '--store', o.postgresUrl ?? db], httpPort)]
      : await startCluster(o.clusterMembers, mosquitto, o.postgresUrl, httpPort);
    const scrape = async () => sumMetrics(await Promise.all(collectors.map((c) => scrapeMetrics(c.httpUrl))));
    const before = await scrape();
    const options: LoadProcessOptions = {
      brokerUrl: mosquitto?.url ?? `mqtt://127.0.0.1:${brokerPort}`, dataDir: dir,
      groups: o.groups, hopsPerSecond: o.hopsPerSecond, devicesPerGroup: o.devicesPerGroup, sampleEvery: o.sampleEvery,
      idleJourneys: o.idleJourneys ?? 0,
    };
    const started = Date.now();
    load = fork(packageFile('dist', 'bench', 'load-process.js'), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const finals: [string, number][] = [];
    let stamped = 0;
    let journeys = 0;
    let done: Progress | undefined;
    load.on('message', (m: Progress) => {
      stamped = m.stamped;
      journeys = m.started;
      finals.push(...m.finals);
      if (m.type === 'done') done = m;
    });

    let stored = 0;
    let peakRss = 0;
    let atPeak = { heapTotalMb: 0, heapUsedMb: 0, externalMb: 0, otherMb: 0 };
    let maxBacklog = 0;
    let openPeak = 0;
    let lastStoredAt = started;
    const sample = async () => {
      const m = await scrape();
      const now = m.get('hopwatch_ingested_hops_total') ?? 0;
      if (now > stored) lastStoredAt = Date.now();
      stored = now;
      const rss = m.get('hopwatch_collector_process_resident_memory_bytes') ?? 0;
      if (rss > peakRss) {
        peakRss = rss;
        const mb = (name: string): number => (m.get(name) ?? 0) / 2 ** 20;
        const heapTotalMb = mb('hopwatch_collector_nodejs_heap_size_total_bytes');
        const externalMb = mb('hopwatch_collector_nodejs_external_memory_bytes');
        atPeak = { heapTotalMb, heapUsedMb: mb('hopwatch_collector_nodejs_heap_size_used_bytes'), externalMb, otherMb: rss / 2 ** 20 - heapTotalMb - externalMb };
      }
      openPeak = Math.max(openPeak, m.get('hopwatch_open_journeys') ?? 0);
      maxBacklog = Math.max(maxBacklog, stamped - stored);
      return m;
    };
    const stopAt = started + o.durationS * 1000;
    // The journeys take 3.65 s to pass every point: measure the steady rate after the ramp.
    const rampMs = Math.min(5000, (o.durationS * 1000) / 2);
    let steadyFrom: { at: number; stored: number } | undefined;
    let steadyTo = { at: started, stored: 0 };
    while (Date.now() < stopAt) {
      await new Promise((r) => setTimeout(r, 1000));
      await sample();
      if (!steadyFrom && Date.now() - started >= rampMs) steadyFrom = { at: Date.now(), stored };
      steadyTo = { at: Date.now(), stored };
      log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: stamped ${stamped}, stored ${stored}, backlog ${stamped - stored}`);
    }
    load.send({ type: 'stop' });
    const drainDeadline = Date.now() + 300_000;
    while ((done === undefined || stored < done.stamped) && Date.now() < drainDeadline) {
      await new Promise((r) => setTimeout(r, 250));
      await sample();
    }
    const end = await sample();
    await Promise.all(collectors.map((c) => c.kill('SIGTERM')));

    const wallS = (Date.now() - started) / 1000;
    const sampled = new Map(finals);
    const freshness: number[] = [];
    let recorded = 0;
    // One pass over the table (its index is on the key's hash, not its text).
    for (const row of writtenRecords(o.postgresUrl ?? db)) {
      recorded++;
      const atMs = sampled.get(row.key);
      if (atMs !== undefined) freshness.push(row.writtenAtMs - atMs);
    }
    const fresh = Float64Array.from(freshness.filter((f) => !Number.isNaN(f))).sort();
    const cpu = (end.get('hopwatch_collector_process_cpu_user_seconds_total') ?? 0) + (end.get('hopwatch_collector_process_cpu_system_seconds_total') ?? 0)
      - (before.get('hopwatch_collector_process_cpu_user_seconds_total') ?? 0) - (before.get('hopwatch_collector_process_cpu_system_seconds_total') ?? 0);
    const total = done?.stamped ?? stamped;
    return {
      offeredHopsPerS: o.hopsPerSecond,
      stampedHops: total,
      storedHops: stored,
      journeys: done?.started ?? journeys,
      recordedJourneys: recorded,
      lostHops: total - stored + (done?.droppedHops ?? 0),
      hopsPerS: total / ((lastStoredAt - started) / 1000),
      steadyHopsPerS: steadyFrom && steadyTo.at > steadyFrom.at ? (steadyTo.stored - steadyFrom.stored) / ((steadyTo.at - steadyFrom.at) / 1000) : Number.NaN,
      maxBacklogS: maxBacklog / o.hopsPerSecond,
      freshnessP50Ms: fresh.length ? percentile(fresh, 50) : Number.NaN,
      freshnessP99Ms: fresh.length ? percentile(fresh, 99) : Number.NaN,
      collectorPeakRssMb: peakRss / 2 ** 20,
      collectorRssAtPeak: atPeak,
      collectorCpuSPerMillionHops: (cpu / stored) * 1e6,
      agentPeakRssMb: (done?.peakRssBytes ?? 0) / 2 ** 20,
      agentCpuSPerMillionHops: ((done?.cpuSeconds ?? 0) / total) * 1e6,
      collectorCores: cpu / wallS,
      loadCores: (done?.cpuSeconds ?? 0) / wallS,
      openJourneysPeak: openPeak,
    };
  } finally {
    load?.kill('SIGKILL');
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Cluster members on one broker and one PostgreSQL store, started one after another; resolves once every partition is held and shared out evenly. */
async function startCluster(members: number, mosquitto: Mosquitto | undefined, postgresUrl: string | undefined, firstHttpPort: number): Promise<CollectorProcess[]> {
  if (!mosquitto || !postgresUrl) throw new Error('a cluster run needs Mosquitto and PostgreSQL');
  const collectors: CollectorProcess[] = [];
  for (let i = 0; i < members; i++) {
    const port = i === 0 ? firstHttpPort : await freePort();
    collectors.push(await spawnCollector(['--broker', mosquitto.url, '--client-id', `bench-member-${i}-${port}`, '--store', postgresUrl, '--cluster', '--member-id', `bench-${i}`], port, 30_000));
  }
  await waitFor(async () => {
    const body = await (await fetch(`${collectors[0]!.httpUrl}/api/v1/cluster`)).json() as { partitionCount: number; members: { live: boolean; partitions: number[] }[] };
    const live = body.members.filter((m) => m.live);
    const held = live.reduce((n, m) => n + m.partitions.length, 0);
    return live.length === members && held === body.partitionCount && live.every((m) => m.partitions.length >= Math.floor(body.partitionCount / members));
  }, 60_000, `${members} members sharing every partition`);
  return collectors;
}

/** Counters and gauges added up over several collectors' scrapes (peak memory is per process: the largest). */
function sumMetrics(scrapes: readonly Map<string, number>[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const m of scrapes) {
    for (const [name, value] of m) {
      const peak = name.includes('memory') || name.includes('heap');
      total.set(name, peak ? Math.max(total.get(name) ?? 0, value) : (total.get(name) ?? 0) + value);
    }
  }
  return total;
}
