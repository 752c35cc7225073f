// What one exchange costs `hopwatch tap`'s proxy thread: CPU µs and V8 heap KB allocated per
// exchange, at a steady rate through the tap to the DCC stand-in (bench/duis-rig.ts). A profiling
// tool beside `npm run bench -- --only tap`, to compare two builds back to back:
//   node dist/bench/tap-cost.js [--hopwatch <hopwatch.js of another build>] [--seconds 10] [--rate 1000] [--cpu-prof <dir>]
// CPU comes from /proc (the proxy thread is the process's main thread), in a tap run as is;
// allocation from V8's own GC trace (--trace-gc-nvp: each collection prints the bytes allocated
// since the one before) in a second tap, since tracing costs the thread it traces.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { cpuSecondsOf, startDuisStandIn, startTapProcess, type TapProcess } from './duis-rig.js';
import { driveInterleaved } from './tap-latency.js';

const WARMUP_S = 3;

interface Gc {
  readonly isolate: string;
  readonly atMs: number;
  readonly pauseMs: number;
  readonly allocated: number;
  readonly scavenge: boolean;
}

// "[pid:0x5555] 1234 ms: pause=0.5 mutator=… gc=s … allocated=123456 …"
const GC_LINE = /^\[\d+:(0x[0-9a-f]+)\]\s+(\d+) ms: pause=([\d.]+) .*?gc=(\w+) .*? allocated=(\d+)/;

function gcLines(tap: TapProcess, window: { measuring: boolean }): Gc[] {
  const gcs: Gc[] = [];
  createInterface({ input: tap.stdout }).on('line', (line) => {
    const m = GC_LINE.exec(line);
    if (m && window.measuring) gcs.push({ isolate: m[1]!, atMs: Number(m[2]), pauseMs: Number(m[3]), scavenge: m[4] === 's', allocated: Number(m[5]) });
  });
  return gcs;
}

/** Per isolate (thread): bytes allocated per exchange between its first and last collection in the window, and its pauses. */
function allocationByIsolate(gcs: readonly Gc[], rate: number, seconds: number) {
  const isolates = [...new Set(gcs.map((g) => g.isolate))];
  return isolates.map((isolate) => {
    const mine = gcs.filter((g) => g.isolate === isolate);
    const [first, last] = [mine[0]!, mine[mine.length - 1]!];
    // The first collection's count covers time before the window: only what came after it is counted.
    const bytes = mine.slice(1).reduce((n, g) => n + g.allocated, 0);
    const spanS = (last.atMs - first.atMs) / 1000;
    const pauses = mine.map((g) => g.pauseMs).sort((a, b) => a - b);
    return {
      isolate,
      kbPerExchange: spanS > 0 ? bytes / 1024 / (spanS * rate) : Number.NaN,
      collections: mine.length,
      scavenges: mine.filter((g) => g.scavenge).length,
      pausedShare: pauses.reduce((a, b) => a + b, 0) / (seconds * 1000),
      pauseP50Ms: pauses[Math.floor(pauses.length / 2)] ?? 0,
    };
  }).sort((a, b) => b.kbPerExchange - a.kbPerExchange);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { hopwatch: { type: 'string' }, seconds: { type: 'string', default: '10' }, rate: { type: 'string', default: '1000' }, 'cpu-prof': { type: 'string' } } });
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  const hopwatchJs = values.hopwatch;
  const dcc = await startDuisStandIn();
  try {
    const profile = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
    const plain = await startTapProcess({ dccUrl: dcc.url, nodeArgs: profile, ...(hopwatchJs ? { hopwatchJs } : {}) });
    let cpu: { proxyUs: number; processUs: number };
    try {
      await driveInterleaved([{ url: plain.url, every: 1 }], rate, 0, WARMUP_S, 1_797_000_000_000);
      const before = [cpuSecondsOf(plain.pid, plain.pid), cpuSecondsOf(plain.pid)];
      const run = await driveInterleaved([{ url: plain.url, every: 1 }], rate, 0, seconds, 1_798_000_000_000);
      const exchanges = run.paths[0]!.latenciesMs.length;
      cpu = {
        proxyUs: ((cpuSecondsOf(plain.pid, plain.pid) - before[0]!) * 1e6) / exchanges,
        processUs: ((cpuSecondsOf(plain.pid) - before[1]!) * 1e6) / exchanges,
      };
    } finally {
      await plain.stop();
    }
    const traced = await startTapProcess({ dccUrl: dcc.url, nodeArgs: ['--trace-gc-nvp'], ...(hopwatchJs ? { hopwatchJs } : {}) });
    let alloc: ReturnType<typeof allocationByIsolate>;
    try {
      const window = { measuring: false };
      const gcs = gcLines(traced, window);
      await driveInterleaved([{ url: traced.url, every: 1 }], rate, 0, WARMUP_S, 1_799_000_000_000);
      window.measuring = true;
      await driveInterleaved([{ url: traced.url, every: 1 }], rate, 0, seconds, 1_800_000_000_000);
      window.measuring = false;
      alloc = allocationByIsolate(gcs, rate, seconds);
    } finally {
      await traced.stop();
    }
    process.stdout.write(`${JSON.stringify({ hopwatch: hopwatchJs ?? 'dist/bin/hopwatch.js', rate, seconds, cpuUsPerExchange: cpu, allocationByThread: alloc }, null, 2)}\n`);
  } finally {
    await dcc.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
