// What the DUIS tap adds to a User's exchange with the DCC. Service Requests go at a fixed rate
// (open loop: sent on schedule whether or not earlier ones were answered) to a DCC User Interface
// stand-in that answers each with its I99 acknowledgement at once, by three paths at once: direct,
// through a TCP relay that only copies bytes (what any proxy in the path costs on this machine,
// the floor under what the tap adds) and through `hopwatch tap` (bench/duis-rig.ts starts them).
//
// The paths are interleaved: every millisecond tick sends one request down each path, in an order
// that turns by one each round, so that all three are measured over the same interval and
// whatever else the machine does weighs on them alike. "Added" is a path's percentile minus the
// direct path's, both taken over that same interval (a difference of two percentiles, not a
// percentile of differences). The measured interval is cut into slices, each summarised the same
// way, so that the spread between slices shows how far one run's figure can be trusted. Beside
// the traffic, a process doing nothing but a 1 ms timer (bench/timer-probe.ts) measures how late
// this machine runs a ready process: the floor under any p99 here.
// Latency is from the first byte sent to the last byte of the acknowledgement received.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { percentile } from '../collector/metrics/stats.js';
import { packageFile } from '../common/paths.js';
import { waitFor } from '../common/wait-for.js';
import { createHeaderScanner } from '../tap/duis-header.js';
import { cpuSecondsOf, serviceRequest, settledCounts, startDuisStandIn, startRelay, startTapProcess, type RigProcess } from './duis-rig.js';

export interface TapLatencyOptions {
  readonly requestsPerSecond: number;
  /** Measured seconds, after `warmupS` unmeasured ones (which open every path's connections). */
  readonly durationS: number;
  readonly warmupS: number;
  /** Slices the measured seconds are cut into, each summarised on its own (default 3). */
  readonly slices?: number;
  readonly log?: (line: string) => void;
}

export interface RunLatency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly failed: number;
}

export interface TimerLateness {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly sliceP99Ms: readonly number[];
}

export interface TapLatencyResult {
  readonly direct: RunLatency;
  readonly tapped: RunLatency;
  readonly relayed: RunLatency;
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  /** The same differences in each slice of the measured interval, in order. */
  readonly sliceAddedP50Ms: readonly number[];
  readonly sliceAddedP99Ms: readonly number[];
  /** What the byte-copying relay adds: the floor for any proxy on this machine. */
  readonly relayAddedP50Ms: number;
  readonly relayAddedP99Ms: number;
  readonly sliceRelayAddedP99Ms: readonly number[];
  /** How late a 1 ms timer fired in a process of its own over the measured interval: the machine's floor. */
  readonly timerLateness: TimerLateness;
  /** How late the load generator's own 1 ms tick ran, p99 ms: its sends slip by as much, on every path alike. */
  readonly senderLateP99Ms: number;
  /** Cores the load generator (this process) kept busy while it sent. */
  readonly senderCores: number;
  /** One exchange at a time (closed loop), p50 ms: what the tap adds when it never waits for a core or a queue. */
  readonly oneAtATimeDirectP50Ms: number;
  readonly oneAtATimeTapP50Ms: number;
  readonly oneAtATimeRelayP50Ms: number;
  /** The tap process's CPU time (user + system, all its threads) per exchange, µs; it depends little on how busy the machine is. NaN without /proc. */
  readonly tapCpuUsPerExchange: number;
  /** The same for its proxy thread alone (the one the exchanges pass through). */
  readonly tapProxyCpuUsPerExchange: number;
  /** CPU µs to read one Service Request's DUIS header (this process, after a warm-up). */
  readonly scanUsPerMessage: number;
  /** Hops the tap stamped (warm-up included): two per exchange. */
  readonly stamped: number;
  /** Hops it did not, among them those its agent's queue refused (agent-behind). */
  readonly unstamped: number;
  /** What the tap's DCC leg counted: upstream failures and time-outs, senders that gave up. */
  readonly tapLegFailures: { readonly upstreamFailures: number; readonly upstreamTimeouts: number; readonly senderAborts: number };
  /** Why exchanges failed, on any path: how many of each. */
  readonly failureReasons: Readonly<Record<string, number>>;
}

const DEFAULT_SLICES = 3;
/**
 * The relay gets one round in this many: it is a reference, and the three paths at the full rate
 * would take most of this machine's two cores between the load generator, the stand-in and the proxies.
 */
const RELAY_EVERY = 4;
/** An exchange not answered in this long is counted failed on its path (the run goes on). */
const EXCHANGE_TIMEOUT_MS = 10_000;

/** One path's measured exchanges: latency and when it was sent (ms from the start of the measured interval). */
interface PathSamples {
  readonly latenciesMs: number[];
  readonly sentAtMs: number[];
  failed: number;
}

interface Interleaved {
  readonly paths: PathSamples[];
  /** The load generator's 1 ms tick: how late each measured one ran, ms. */
  readonly tickLateMs: number[];
  /** Why exchanges failed ("tap: no answer within 10000 ms"), and how many of each. */
  readonly failureReasons: Map<string, number>;
}

export interface Path {
  readonly url: string;
  /** Sent in every `every`-th round (1: every round). */
  readonly every: number;
}

/**
 * Runs `rate` rounds a second for `warmupS + seconds`, interleaved: each round sends one request
 * down every path due in it, starting one path further on than the round before. Keeps the
 * latencies of those sent after `warmupS`.
 */
export async function driveInterleaved(paths: readonly Path[], rate: number, warmupS: number, seconds: number, firstCounter: number): Promise<Interleaved> {
  const agents = paths.map(() => new http.Agent({ keepAlive: true, maxSockets: 256 }));
  const samples: PathSamples[] = paths.map(() => ({ latenciesMs: [], sentAtMs: [], failed: 0 }));
  const tickLateMs: number[] = [];
  const failureReasons = new Map<string, number>();
  let rounds = 0;
  let outstanding = 0;
  let counter = firstCounter;
  const started = performance.now();
  const warmupMs = warmupS * 1000;
  const totalMs = warmupMs + seconds * 1000;
  const send = (p: number, measured: boolean) => {
    const mine = samples[p]!;
    const t0 = performance.now();
    outstanding++;
    let settled = false;
    // Once per exchange, whichever comes first: its answer read whole, or its failure (an error,
    // a connection closed early, or no answer within EXCHANGE_TIMEOUT_MS), counted against its path.
    const settle = (ok: boolean, why = '') => {
      if (settled) return;
      settled = true;
      outstanding--;
      if (!ok) {
        mine.failed++;
        const reason = `${paths[p]!.url}: ${why}`;
        failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + 1);
      }
      else if (measured) {
        mine.latenciesMs.push(performance.now() - t0);
        mine.sentAtMs.push(t0 - started - warmupMs);
      }
    };
    const req = http.request(`${paths[p]!.url}/api/v1/serviceD`, { method: 'POST', agent: agents[p], headers: { 'content-type': 'application/xml' } }, (res) => {
      res.resume();
      res.on('end', () => settle(res.statusCode === 200, `status ${res.statusCode}`));
      res.on('close', () => settle(false, 'answer cut short'));
    });
    req.setTimeout(EXCHANGE_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${EXCHANGE_TIMEOUT_MS} ms`)));
    req.on('error', (err) => settle(false, err.message));
    req.on('close', () => settle(false, 'closed without an answer'));
    req.end(serviceRequest(counter++));
  };
  await new Promise<void>((resolve) => {
    let lastTick = started;
    const tick = setInterval(() => {
      const now = performance.now();
      const elapsed = now - started;
      if (elapsed >= warmupMs) tickLateMs.push(Math.max(0, now - lastTick - 1));
      lastTick = now;
      const due = Math.floor((Math.min(elapsed, totalMs) / 1000) * rate);
      for (; rounds < due; rounds++) {
        for (let i = 0; i < paths.length; i++) {
          const p = (rounds + i) % paths.length;
          if (rounds % paths[p]!.every === 0) send(p, elapsed >= warmupMs);
        }
      }
      if (elapsed >= totalMs) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await waitFor(() => outstanding === 0, 30_000, 'every answer');
  for (const a of agents) a.destroy();
  return { paths: samples, tickLateMs, failureReasons };
}

/** Sends `n` rounds one exchange at a time, one down each path in turn; returns each path's latencies (ms). */
async function oneAtATime(urls: readonly string[], n: number, firstCounter: number): Promise<number[][]> {
  const agents = urls.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const latenciesMs: number[][] = urls.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < urls.length; p++) {
      const t0 = performance.now();
      const status = await new Promise<number>((resolve) => {
        const req = http.request(`${urls[p]}/api/v1/serviceD`, { method: 'POST', agent: agents[p], headers: { 'content-type': 'application/xml' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', () => resolve(0));
        req.end(serviceRequest(firstCounter + i * urls.length + p));
      });
      if (status === 200) latenciesMs[p]!.push(performance.now() - t0);
    }
  }
  for (const a of agents) a.destroy();
  return latenciesMs;
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

function summary(s: PathSamples, slice?: { fromMs: number; toMs: number }): RunLatency {
  const picked = slice ? s.latenciesMs.filter((_, i) => s.sentAtMs[i]! >= slice.fromMs && s.sentAtMs[i]! < slice.toMs) : s.latenciesMs;
  const all = sorted(picked);
  return { p50Ms: percentile(all, 50), p99Ms: percentile(all, 99), requests: all.length, failed: s.failed };
}

function scanCost(messages: number): number {
  const body = Buffer.from(serviceRequest(1));
  const run = () => {
    const before = process.cpuUsage();
    for (let i = 0; i < messages; i++) {
      const scanner = createHeaderScanner(16 * 1024);
      if (!scanner.write(body)) scanner.end();
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / messages;
  };
  run();
  return run();
}

/** Starts the timer probe for `seconds`; resolves with what it measured once it has run them. */
function timerProbe(seconds: number, slices: number): Promise<TimerLateness> {
  const child = spawn(process.execPath, [packageFile('dist', 'bench', 'timer-probe.js'), String(seconds), String(slices)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  return new Promise<TimerLateness>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as TimerLateness) : reject(new Error(`the timer probe exited with ${code}`))));
  });
}

export async function measureTapLatency(options: TapLatencyOptions): Promise<TapLatencyResult> {
  const log = options.log ?? (() => undefined);
  const slices = options.slices ?? DEFAULT_SLICES;
  const { requestsPerSecond: rate, durationS, warmupS } = options;
  const started: RigProcess[] = [];
  try {
    const dcc = await startDuisStandIn();
    started.push(dcc);
    const relay = await startRelay(dcc.url);
    started.push(relay);
    // HOPWATCH_PROFILE_DIR: the tap writes a CPU profile there when it exits (node --cpu-prof).
    // HOPWATCH_BENCH_TAP_JS: another build's bin/hopwatch.js, to compare two builds run after run.
    const profileDir = process.env.HOPWATCH_PROFILE_DIR;
    const hopwatchJs = process.env.HOPWATCH_BENCH_TAP_JS;
    const tap = await startTapProcess({
      dccUrl: dcc.url, ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}), ...(hopwatchJs ? { hopwatchJs } : {}),
    });
    started.push(tap);
    const urls = [dcc.url, relay.url, tap.url];
    log(`direct and through hopwatch tap at ${rate} requests/s each, through the TCP relay at ${rate / RELAY_EVERY}, interleaved: ${warmupS} s unmeasured, then ${durationS} s in ${slices} slices, a 1 ms timer probe beside them`);
    const cpuBefore = [cpuSecondsOf(tap.pid), cpuSecondsOf(tap.pid, tap.pid)];
    const probe = new Promise<void>((resolve) => setTimeout(resolve, warmupS * 1000)).then(() => timerProbe(durationS, slices));
    const senderCpu = process.cpuUsage();
    const run = await driveInterleaved([{ url: dcc.url, every: 1 }, { url: relay.url, every: RELAY_EVERY }, { url: tap.url, every: 1 }], rate, warmupS, durationS, 1_795_000_000_000);
    const senderUsed = process.cpuUsage(senderCpu);
    const tapExchanges = Math.floor((warmupS + durationS) * rate);
    const [tapCpuS, proxyCpuS] = [cpuSecondsOf(tap.pid) - cpuBefore[0]!, cpuSecondsOf(tap.pid, tap.pid) - cpuBefore[1]!];
    const timerLateness = await probe;

    const singleRounds = 1000;
    log(`one exchange at a time: ${singleRounds} each of direct, through the relay and through the tap, in turn`);
    const [singleDirect, singleRelay, singleTap] = await oneAtATime(urls, singleRounds, 1_796_000_000_000);
    const [direct, relayed, tapped] = run.paths as [PathSamples, PathSamples, PathSamples];
    // Two hops an exchange; one that failed may have left one or none.
    const tapHops = await settledCounts(tap, 2 * (tapExchanges + singleRounds - tapped.failed));

    const [d, r, t] = [summary(direct), summary(relayed), summary(tapped)];
    const sliceMs = (durationS * 1000) / slices;
    const bySlice = Array.from({ length: slices }, (_, i) => {
      const window = { fromMs: i * sliceMs, toMs: (i + 1) * sliceMs };
      return { d: summary(direct, window), r: summary(relayed, window), t: summary(tapped, window) };
    });
    const p50 = (xs: number[]) => percentile(sorted(xs), 50);
    return {
      direct: d, tapped: t, relayed: r,
      addedP50Ms: t.p50Ms - d.p50Ms,
      addedP99Ms: t.p99Ms - d.p99Ms,
      sliceAddedP50Ms: bySlice.map((s) => s.t.p50Ms - s.d.p50Ms),
      sliceAddedP99Ms: bySlice.map((s) => s.t.p99Ms - s.d.p99Ms),
      relayAddedP50Ms: r.p50Ms - d.p50Ms,
      relayAddedP99Ms: r.p99Ms - d.p99Ms,
      sliceRelayAddedP99Ms: bySlice.map((s) => s.r.p99Ms - s.d.p99Ms),
      timerLateness,
      senderLateP99Ms: percentile(sorted(run.tickLateMs), 99),
      senderCores: (senderUsed.user + senderUsed.system) / 1e6 / (warmupS + durationS),
      oneAtATimeDirectP50Ms: p50(singleDirect!),
      oneAtATimeTapP50Ms: p50(singleTap!),
      oneAtATimeRelayP50Ms: p50(singleRelay!),
      tapCpuUsPerExchange: (tapCpuS * 1e6) / tapExchanges,
      tapProxyCpuUsPerExchange: (proxyCpuS * 1e6) / tapExchanges,
      scanUsPerMessage: scanCost(20_000),
      stamped: tapHops.stamped,
      unstamped: tapHops.unstamped,
      tapLegFailures: { upstreamFailures: tapHops.upstreamFailures, upstreamTimeouts: tapHops.upstreamTimeouts, senderAborts: tapHops.senderAborts },
      failureReasons: Object.fromEntries(run.failureReasons),
    };
  } finally {
    for (const p of started.reverse()) await p.stop();
  }
}
