// What the DUIS tap adds to a User's exchange with the DCC: Service Requests at a fixed rate
// (open loop: sent on schedule whether or not earlier ones were answered) to a DCC User
// Interface stand-in (bench/duis-stand-in.ts, its own process, so that it and the load generator
// never wait for each other on one event loop) that answers each with its I99 acknowledgement at
// once, first directly, then through `hopwatch tap` (the built CLI, its own process, defaults but
// for ports and files).
// Latency is from the first byte sent to the last byte of the acknowledgement received. A third
// path goes through a TCP relay that only copies bytes (bench/tcp-relay.ts, its own process too):
// what any proxy in the path costs on this machine, the floor under what the tap adds.
//
// The tap's agent points at a broker that is not there: it stamps and buffers every hop as usual,
// and forwarding, which runs beside the traffic and never in its path, is left out of the figure.
// The three alternate in slices of two seconds, so that whatever else the machine is doing weighs
// on all alike; each slice's first half second is not measured (it opens the slice's connections).
// Sends are due one a millisecond (a 1 ms timer; each tick sends what has come due), not in bursts.
// "Added" is the difference of two percentiles, not a percentile of differences.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from '../collector/metrics/stats.js';
import { createHeaderScanner } from '../tap/duis-header.js';
import { packageFile } from '../common/paths.js';
import { waitFor } from '../common/wait-for.js';
import { freePort } from './mosquitto.js';

export interface TapLatencyOptions {
  readonly requestsPerSecond: number;
  /** Measured seconds of each of the three, in slices of at most SLICE_S, the first after `warmupS` unmeasured ones. */
  readonly durationS: number;
  readonly warmupS: number;
  /**
   * Unmeasured seconds at the start of every later slice: each slice opens its connections anew
   * (and the tap's idle ones to the DCC have closed meanwhile), which steady traffic never does.
   */
  readonly sliceWarmupS?: number;
  readonly log?: (line: string) => void;
}

export interface RunLatency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly failed: number;
}

export interface TapLatencyResult {
  readonly direct: RunLatency;
  readonly tapped: RunLatency;
  readonly relayed: RunLatency;
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  /** What the byte-copying relay adds: the floor for any proxy on this machine. */
  readonly relayAddedP50Ms: number;
  readonly relayAddedP99Ms: number;
  /** One exchange at a time (closed loop), p50 ms: what the tap adds when it never waits for a core or a queue. */
  readonly oneAtATimeDirectP50Ms: number;
  readonly oneAtATimeTapP50Ms: number;
  readonly oneAtATimeRelayP50Ms: number;
  /** The tap process's CPU time (user + system, its proxy and agent threads) per exchange, µs; it depends little on how busy the machine is. NaN without /proc. */
  readonly tapCpuUsPerExchange: number;
  /** CPU µs to read one Service Request's DUIS header (this process, after a warm-up). */
  readonly scanUsPerMessage: number;
  /** Hops the tap stamped over both its runs (warm-up included): two per exchange. */
  readonly stamped: number;
  /** Hops it did not, among them those its agent's queue refused (agent-behind). */
  readonly unstamped: number;
}

const USER = '90-B3-D5-1F-30-01-00-00';
const SLICE_S = 2;
const NS = 'xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"';

function request(counter: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sr:Request ${NS} schemaVersion="5.1"><sr:Header>`
    + `<sr:RequestID>${USER}:00-DB-12-34-56-78-90-A0:${counter}</sr:RequestID><sr:CommandVariant>1</sr:CommandVariant>`
    + '<sr:ServiceReference>4.8</sr:ServiceReference><sr:ServiceReferenceVariant>4.8.1</sr:ServiceReferenceVariant></sr:Header>'
    + '<sr:Body><sr:ReadActiveImportProfileData><sr:ReadLogPeriod><sr:StartDateTime>2026-11-27T00:00:00Z</sr:StartDateTime>'
    + '<sr:EndDateTime>2026-11-28T00:00:00Z</sr:EndDateTime></sr:ReadLogPeriod></sr:ReadActiveImportProfileData></sr:Body></sr:Request>\n';
}

/** Starts the DCC User Interface stand-in (bench/duis-stand-in.ts) in its own process; resolves once it listens. */
async function startDcc(): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, [packageFile('dist', 'bench', 'duis-stand-in.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (line: Buffer) => resolve(Number(line.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the DCC stand-in exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, close: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Slice {
  readonly latenciesMs: number[];
  readonly failed: number;
}

/** Sends at `rate` per second for `warmupS + seconds`; keeps the latencies (ms) of those sent after `warmupS`. */
async function drive(url: string, rate: number, warmupS: number, seconds: number, firstCounter: number): Promise<Slice> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const latenciesMs: number[] = [];
  let failed = 0;
  let sent = 0;
  let outstanding = 0;
  const started = performance.now();
  const totalMs = (warmupS + seconds) * 1000;
  const send = (measured: boolean) => {
    const body = request(firstCounter + sent++);
    const t0 = performance.now();
    outstanding++;
    const req = http.request(`${url}/api/v1/serviceD`, { method: 'POST', agent, headers: { 'content-type': 'application/xml' } }, (res) => {
      res.resume();
      res.on('end', () => {
        outstanding--;
        if (res.statusCode !== 200) failed++;
        else if (measured) latenciesMs.push(performance.now() - t0);
      });
    });
    req.on('error', () => {
      outstanding--;
      failed++;
    });
    req.end(body);
  };
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.floor((Math.min(elapsed, totalMs) / 1000) * rate);
      while (sent < due) send(elapsed >= warmupS * 1000);
      if (elapsed >= totalMs) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  await waitFor(() => outstanding === 0, 30_000, 'every answer');
  agent.destroy();
  return { latenciesMs, failed };
}

/** Sends `n` exchanges one after the other; returns their latencies (ms). */
async function oneAtATime(url: string, n: number, firstCounter: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latenciesMs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const status = await new Promise<number>((resolve) => {
      const req = http.request(`${url}/api/v1/serviceD`, { method: 'POST', agent, headers: { 'content-type': 'application/xml' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end(request(firstCounter + i));
    });
    if (status === 200) latenciesMs.push(performance.now() - t0);
  }
  agent.destroy();
  return latenciesMs;
}

const p50 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

function summary(slices: readonly Slice[]): RunLatency {
  const all = slices.flatMap((s) => s.latenciesMs).sort((a, b) => a - b);
  return { p50Ms: percentile(all, 50), p99Ms: percentile(all, 99), requests: all.length, failed: slices.reduce((n, s) => n + s.failed, 0) };
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); NaN elsewhere. */
function cpuSecondsOf(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in ticks of 1/100 s.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function scanCost(messages: number): number {
  const body = Buffer.from(request(1));
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

interface TapStatus { tap: { serviceRequests?: number; acknowledgements?: number; unstamped?: Record<string, number> } }

/** Starts the byte-copying relay in front of `targetUrl`; resolves once it listens. */
async function startRelay(targetUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [packageFile('dist', 'bench', 'tcp-relay.js'), String(port), new URL(targetUrl).port], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the TCP relay exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => stopChild(child),
  };
}

export async function measureTapLatency(options: TapLatencyOptions): Promise<TapLatencyResult> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-tap-bench-'));
  const dcc = await startDcc();
  const relay = await startRelay(dcc.url);
  const [tapPort, statusPort, deadBroker] = [await freePort(), await freePort(), await freePort()];
  // HOPWATCH_PROFILE_DIR: the tap writes a CPU profile there when it exits (node --cpu-prof).
  const profileDir = process.env.HOPWATCH_PROFILE_DIR;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, packageFile('dist', 'bin', 'hopwatch.js'), 'tap',
    '--dcc-listen-port', String(tapPort), '--dcc-url', dcc.url, '--id', 'bench-tap', '--broker', `mqtt://127.0.0.1:${deadBroker}`,
    '--buffer-file', join(dir, 'tap.buffer.db'), '--http-port', String(statusPort), '--udp-port', '0', '--log-level', 'error'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const status = async () => (await (await fetch(`http://127.0.0.1:${statusPort}/status`)).json()) as TapStatus;
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`hopwatch tap exited with ${child.exitCode}`);
      return status().then(() => true, () => false);
    }, 60_000, 'hopwatch tap to answer /status');
    const { requestsPerSecond: rate, durationS, warmupS } = options;
    const sliceWarmupS = options.sliceWarmupS ?? 0;
    const direct: Slice[] = [];
    const tapped: Slice[] = [];
    const relayed: Slice[] = [];
    let counter = 1_795_000_000_000;
    let tapCpuS = 0;
    let tapExchanges = 0;
    for (let done = 0, round = 0; done < durationS; round++) {
      const seconds = Math.min(SLICE_S, durationS - done);
      const warm = round === 0 ? warmupS : sliceWarmupS;
      log(`direct, through the TCP relay, then through hopwatch tap: ${seconds} s each at ${rate} requests/s (${done + seconds} of ${durationS} s)`);
      direct.push(await drive(dcc.url, rate, warm, seconds, counter));
      counter += 1_000_000;
      relayed.push(await drive(relay.url, rate, warm, seconds, counter));
      counter += 1_000_000;
      const cpuBefore = cpuSecondsOf(child.pid!);
      const slice = await drive(`http://127.0.0.1:${tapPort}`, rate, warm, seconds, counter);
      tapped.push(slice);
      tapCpuS += cpuSecondsOf(child.pid!) - cpuBefore;
      tapExchanges += Math.round((warm + seconds) * rate);
      counter += 1_000_000;
      done += seconds;
    }
    const single = { direct: [] as number[], tapped: [] as number[], relayed: [] as number[] };
    log('one exchange at a time: 4 x 250 each of direct, through the relay and through the tap, alternating');
    for (let block = 0; block < 4; block++) {
      single.direct.push(...await oneAtATime(dcc.url, 250, counter));
      single.relayed.push(...await oneAtATime(relay.url, 250, counter + 1000));
      single.tapped.push(...await oneAtATime(`http://127.0.0.1:${tapPort}`, 250, counter + 2000));
      counter += 3000;
    }
    // The tap's counters in its status are sent from its proxy thread twice a second: wait until they cover every exchange.
    const tap = await waitFor(async () => {
      const { tap: c } = await status();
      const seen = (c.serviceRequests ?? 0) + (c.acknowledgements ?? 0) + Object.values(c.unstamped ?? {}).reduce((a, b) => a + b, 0);
      return seen >= 2 * (tapExchanges + single.tapped.length) && c;
    }, 10_000, 'the tap\'s counters to cover every exchange');
    const [d, t, r] = [summary(direct), summary(tapped), summary(relayed)];
    return {
      direct: d, tapped: t, relayed: r,
      addedP50Ms: t.p50Ms - d.p50Ms,
      addedP99Ms: t.p99Ms - d.p99Ms,
      relayAddedP50Ms: r.p50Ms - d.p50Ms,
      relayAddedP99Ms: r.p99Ms - d.p99Ms,
      oneAtATimeRelayP50Ms: p50(single.relayed),
      tapCpuUsPerExchange: (tapCpuS * 1e6) / tapExchanges,
      oneAtATimeDirectP50Ms: p50(single.direct),
      oneAtATimeTapP50Ms: p50(single.tapped),
      scanUsPerMessage: scanCost(20_000),
      stamped: (tap.serviceRequests ?? 0) + (tap.acknowledgements ?? 0),
      unstamped: Object.values(tap.unstamped ?? {}).reduce((a, b) => a + b, 0),
    };
  } finally {
    await stopChild(child);
    await relay.stop();
    await dcc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
