// The processes the tap benches run on loopback, each in its own process so that none waits for
// another on one event loop: the DCC User Interface stand-in (bench/duis-stand-in.ts), the
// byte-copying TCP relay (bench/tcp-relay.ts) and `hopwatch tap` itself (the built CLI, defaults
// but for ports and files, its agent pointed at a broker that is not there: it stamps and buffers
// every hop as usual, and forwarding, which never runs in the traffic's path, is left out).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageFile } from '../common/paths.js';
import { waitFor } from '../common/wait-for.js';
import { freePort } from './mosquitto.js';

const USER = '90-B3-D5-1F-30-01-00-00';
const NS = 'xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"';

/** A Service Request (SRV 4.8.1) with RequestID counter `counter`, as a DCC User sends it. */
export function serviceRequest(counter: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sr:Request ${NS} schemaVersion="5.1"><sr:Header>`
    + `<sr:RequestID>${USER}:00-DB-12-34-56-78-90-A0:${counter}</sr:RequestID><sr:CommandVariant>1</sr:CommandVariant>`
    + '<sr:ServiceReference>4.8</sr:ServiceReference><sr:ServiceReferenceVariant>4.8.1</sr:ServiceReferenceVariant></sr:Header>'
    + '<sr:Body><sr:ReadActiveImportProfileData><sr:ReadLogPeriod><sr:StartDateTime>2026-11-27T00:00:00Z</sr:StartDateTime>'
    + '<sr:EndDateTime>2026-11-28T00:00:00Z</sr:EndDateTime></sr:ReadLogPeriod></sr:ReadActiveImportProfileData></sr:Body></sr:Request>\n';
}

export interface RigProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resolves with the child's first line on stdout (it prints one once it listens). */
function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (line: Buffer) => resolve(line.toString().trim()));
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

/** Starts the DCC User Interface stand-in, which answers each Service Request with its I99 at once. */
export async function startDuisStandIn(): Promise<RigProcess> {
  const child = spawn(process.execPath, [packageFile('dist', 'bench', 'duis-stand-in.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = Number(await firstLine(child, 'the DCC stand-in'));
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopChild(child) };
}

/** Starts the byte-copying relay in front of `targetUrl`. */
export async function startRelay(targetUrl: string): Promise<RigProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [packageFile('dist', 'bench', 'tcp-relay.js'), String(port), new URL(targetUrl).port], { stdio: ['ignore', 'pipe', 'inherit'] });
  await firstLine(child, 'the TCP relay');
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopChild(child) };
}

export interface TapCounts {
  serviceRequests?: number;
  acknowledgements?: number;
  unstamped?: Record<string, number>;
  dcc?: { upstreamFailures?: number; upstreamTimeouts?: number; senderAborts?: number };
}

/** What the tap counted: hops stamped and not, and exchanges its DCC leg could not complete (refused or broken upstream, upstream time-outs, senders that gave up). */
export interface SettledCounts {
  readonly stamped: number;
  readonly unstamped: number;
  readonly upstreamFailures: number;
  readonly upstreamTimeouts: number;
  readonly senderAborts: number;
}

export interface TapProcess extends RigProcess {
  /** The `tap` block of its agent's /status. */
  counts(): Promise<TapCounts>;
  /** Its stdout, for V8's traces (--trace-gc-nvp). */
  readonly stdout: NodeJS.ReadableStream;
}

export interface TapProcessOptions {
  readonly dccUrl: string;
  /** Node flags before the script (--cpu-prof …). */
  readonly nodeArgs?: readonly string[];
  /** The CLI to run; default dist/bin/hopwatch.js (another build, to compare two back to back). */
  readonly hopwatchJs?: string;
}

/** Starts `hopwatch tap` in front of `dccUrl`; resolves once its agent answers /status. */
export async function startTapProcess(options: TapProcessOptions): Promise<TapProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-tap-bench-'));
  const [tapPort, statusPort, deadBroker] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.hopwatchJs ?? packageFile('dist', 'bin', 'hopwatch.js'), 'tap',
    '--dcc-listen-port', String(tapPort), '--dcc-url', options.dccUrl, '--id', 'bench-tap', '--broker', `mqtt://127.0.0.1:${deadBroker}`,
    '--buffer-file', join(dir, 'tap.buffer.db'), '--http-port', String(statusPort), '--udp-port', '0', '--log-level', 'error'], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout!.resume();
  const counts = async () => ((await (await fetch(`http://127.0.0.1:${statusPort}/status`)).json()) as { tap: TapCounts }).tap;
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`hopwatch tap exited with ${child.exitCode}`);
      return counts().then(() => true, () => false);
    }, 60_000, 'hopwatch tap to answer /status');
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${tapPort}`, pid: child.pid!, counts, stdout: child.stdout!, stop };
}

/**
 * Waits until the tap's counters (sent from its proxy thread twice a second) cover `hops` hops;
 * returns them. Up to a minute: on a busy machine the agent's worker, at a lower priority, may
 * take that long to serve them.
 */
export async function settledCounts(tap: TapProcess, hops: number): Promise<SettledCounts> {
  return waitFor(async () => {
    const c = await tap.counts();
    const stamped = (c.serviceRequests ?? 0) + (c.acknowledgements ?? 0);
    const unstamped = Object.values(c.unstamped ?? {}).reduce((a, b) => a + b, 0);
    const { upstreamFailures = 0, upstreamTimeouts = 0, senderAborts = 0 } = c.dcc ?? {};
    return stamped + unstamped >= hops && { stamped, unstamped, upstreamFailures, upstreamTimeouts, senderAborts };
  }, 60_000, 'the tap\'s counters to cover every exchange');
}

/**
 * CPU seconds (user + system) from /proc (Linux): of the whole process, or of one of its threads
 * (`tid`; a process's main thread has the process's id). NaN elsewhere.
 */
export function cpuSecondsOf(pid: number, tid?: number): number {
  try {
    const file = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in ticks of 1/100 s.
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
