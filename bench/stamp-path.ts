// Agent hot path, side by side: hopwatch's stamp() against one OpenTelemetry span per hop
// (sdk-trace-base with its BatchSpanProcessor), both fed the same journeys, the same
// points and the same shared context objects, in one process, one after the other.
//
// The OpenTelemetry exporter does nothing but count: the figure is the SDK's own cost of
// creating, ending and batching spans, which is what rig code pays on its thread. OTLP
// serialisation and sending would come on top, so this is OpenTelemetry's best case, while
// hopwatch's sustained figure includes its encoding and SQLite writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT_CONTEXT, trace, TraceFlags, type Attributes, type Context } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createAgent, type Agent } from '../agent/agent.js';
import { agentDefaults } from '../agent/config.js';
import { JourneyKey } from '../agent/journey-key.js';
import type { HopContext } from '../proto/hop-context.js';
import { HopPoint, type HopPointName } from '../proto/hop-point.js';
import { freePort } from './mosquitto.js';
import { otelSpanIdOf, otelTraceIdOf } from './wire-size.js';

export interface StampPathOptions {
  readonly hops: number;
  /** Spans for the OpenTelemetry side (default: `hops`); its rate is steady well below millions, and it is the slow half of the run. */
  readonly otelHops?: number;
  readonly log?: (line: string) => void;
}

export interface StampPathResult {
  /** Stamps per second, until everything stamped is encoded and written to the SQLite buffer. */
  readonly stampPerS: number;
  /** Nanoseconds per stamp() call as the caller sees it (sealing included, deferred encoding not). */
  readonly stampCallNs: number;
  /** Spans (start + end) per second, until the BatchSpanProcessor has exported all of them. */
  readonly otelSpanPerS: number;
  /** Hops stamped and spans made: the options rounded up to whole rounds of the chain. */
  readonly hops: number;
  readonly otelSpans: number;
}

/** The SMETS2 chain of bench/synthetic-traffic.ts, and the context each point carries there. */
const CHAIN: readonly HopPointName[] = [
  'UG_IN', 'UG_ACK', 'DSP_OUT', 'CSP_OUT', 'CH_IN', 'HAN_OUT', 'HAN_IN', 'CH_OUT', 'CSP_IN', 'DSP_IN', 'UG_OUT',
];
const CONTEXTS: Partial<Record<HopPointName, readonly HopContext[]>> = {
  UG_IN: ['4.1.1', '4.8.1', '1.1.1', '2.2', '6.2.7'].map((srv) => ({ srv, userRole: 'IS' })),
  UG_ACK: [{ code: 'I99' }],
  CSP_OUT: [{ cspRegion: 'NORTH' }, { cspRegion: 'CENTRAL' }, { cspRegion: 'SOUTH' }],
  CH_IN: [
    { deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion: '2.1.0', chFirmwareVersion: 'CH-4.2', smetsGeneration: 'SMETS2' },
    { deviceType: 'GSME', deviceModel: 'GM-G3', firmwareVersion: '1.4.2', chFirmwareVersion: 'CH-4.2', smetsGeneration: 'SMETS2' },
  ],
  UG_OUT: [{ code: 'I0' }],
};
const STEPS = CHAIN.length;

// Step s of journey j is stamped in round j + s * LAG, so about 10 * LAG journeys are open at
// once and a 4096-hop batch meets most keys once, as a busy agent does with journeys that
// last seconds. Keys come from a pool, made before timing as rig code makes one per journey
// outside stamp(); the pool is larger than the journeys one batch spans (10 * LAG + 4096 / 11).
const LAG = 1000;
const MIN_POOL = 1 << 14;
const MAX_POOL = 1 << 17;
/** Yield to the event loop this often (in rounds of STEPS hops), so deferred work runs. */
const ROUNDS_PER_YIELD = Math.ceil(50_000 / STEPS);

interface Workload {
  readonly rounds: number;
  readonly keys: readonly JourneyKey[];
  readonly points: Uint8Array;
  readonly names: readonly string[];
  /** Keys in the pool (a power of two) and that less one. */
  readonly pool: number;
  readonly mask: number;
  /** Context of step s of a journey in pool slot p: contexts[s * pool + p]. */
  readonly contexts: readonly (HopContext | undefined)[];
  /** Pool slot offset of step s: the journey stamping step s in round r is (r + offsets[s]) & mask. */
  readonly offsets: Int32Array;
}

function makeWorkload(hops: number): Workload {
  const rounds = Math.ceil(hops / STEPS);
  let pool = MIN_POOL;
  while (pool < MAX_POOL && pool < rounds + STEPS * LAG) pool *= 2;
  const keys = Array.from({ length: pool }, (_, j) => new JourneyKey({
    originator: { hi: 0x90b3d51f, lo: 0x30010000 + (j % 4) },
    target: { hi: 0x00db1234, lo: 0x56000000 + j },
    counter: 1_760_000_000_000n + BigInt(j),
  }));
  const contexts: (HopContext | undefined)[] = [];
  for (let s = 0; s < STEPS; s++) {
    const choices = CONTEXTS[CHAIN[s]!];
    for (let p = 0; p < pool; p++) contexts.push(choices?.[p % choices.length]);
  }
  return {
    rounds,
    keys,
    points: Uint8Array.from(CHAIN, (name) => HopPoint[name]),
    names: CHAIN,
    pool,
    mask: pool - 1,
    contexts,
    offsets: Int32Array.from(CHAIN, (_, s) => (STEPS - 1 - s) * LAG),
  };
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Stamps rounds [from, to) without yielding. */
function stampRounds(agent: Agent, w: Workload, from: number, to: number): void {
  const { keys, points, contexts, offsets, pool, mask } = w;
  for (let r = from; r < to; r++) {
    for (let s = 0; s < STEPS; s++) {
      const slot = (r + offsets[s]!) & mask;
      agent.stamp(keys[slot]!, points[s]!, contexts[s * pool + slot]);
    }
  }
}

/** Stamps every round, yielding every ROUNDS_PER_YIELD; returns ms until all is buffered. */
async function sustainedStamps(agent: Agent, w: Workload): Promise<number> {
  const before = agent.status().buffer.hops;
  const t0 = performance.now();
  for (let r = 0; r < w.rounds; r += ROUNDS_PER_YIELD) {
    stampRounds(agent, w, r, Math.min(w.rounds, r + ROUNDS_PER_YIELD));
    await yieldNow();
  }
  agent.flush();
  const ms = performance.now() - t0;
  const status = agent.status();
  const buffered = status.buffer.hops - before;
  if (buffered !== w.rounds * STEPS) {
    throw new Error(`buffer holds ${buffered} of ${w.rounds * STEPS} hops stamped (dropped ${status.buffer.droppedHops}, write failed ${status.writeFailedHops})`);
  }
  return ms;
}

/**
 * Times stamp() in blocks small enough that the agent never encodes inside a call (it does
 * when more than batch.maxPendingChunks sealed chunks wait), yielding between blocks
 * untimed so the deferred encoding runs there. This is the cost rig code sees per call.
 */
async function timedCalls(agent: Agent, w: Workload): Promise<number> {
  const blockRounds = Math.max(1, Math.floor((agentDefaults.batch.maxHops * Math.floor(agentDefaults.batch.maxPendingChunks / 2)) / STEPS));
  let ms = 0;
  for (let r = 0; r < w.rounds; r += blockRounds) {
    const t0 = performance.now();
    stampRounds(agent, w, r, Math.min(w.rounds, r + blockRounds));
    ms += performance.now() - t0;
    await yieldNow();
  }
  return ms;
}

async function measureHopwatch(w: Workload, warmup: Workload, dir: string): Promise<{ stampPerS: number; stampCallNs: number }> {
  const brokerUrl = `mqtt://127.0.0.1:${await freePort()}`;
  const open = (agentId: string) => createAgent({
    ...agentDefaults,
    agentId,
    // Nothing listens there: the agent keeps everything in its buffer, as when the broker is away.
    broker: { ...agentDefaults.broker, url: brokerUrl },
    buffer: { ...agentDefaults.buffer, file: join(dir, `${agentId}.db`) },
    // As under `npm start`, whose collector (SQLite) announces one partition: a chunk is one batch.
    batch: { ...agentDefaults.batch, partitions: 1 },
    intake: { ...agentDefaults.intake, udpPort: 0, httpPort: 0 },
    logLevel: 'silent',
  });
  const warm = open('bench-warmup');
  try {
    await sustainedStamps(warm, warmup);
  } finally {
    await warm.close();
  }
  const agent = open('bench-rig');
  try {
    const sustainedMs = await sustainedStamps(agent, w);
    const callMs = await timedCalls(agent, w);
    const hops = w.rounds * STEPS;
    return { stampPerS: hops / (sustainedMs / 1000), stampCallNs: (callMs * 1e6) / hops };
  } finally {
    await agent.close();
  }
}

/** A remote parent per journey: how a trace started elsewhere is joined (see wire-size.ts for the id mapping). */
function journeyParents(w: Workload): Context[] {
  return w.keys.map((key) => trace.setSpanContext(ROOT_CONTEXT, {
    traceId: otelTraceIdOf(key),
    spanId: otelSpanIdOf(key.counterNumber),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  }));
}

async function otelSpans(w: Workload, parents: readonly Context[]): Promise<number> {
  let exported = 0;
  const exporter: SpanExporter = {
    export(spans, resultCallback) {
      exported += spans.length;
      resultCallback({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
  };
  // Defaults but the queue: the default 2048 would drop most spans between two yields
  // (50k spans); hopwatch never drops, so OpenTelemetry gets room to keep every span too.
  const processor = new BatchSpanProcessor(exporter, { maxQueueSize: 1 << 16 });
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bench-rig' }), spanProcessors: [processor] });
  const tracer = provider.getTracer('hopwatch-bench');
  const { names, contexts, offsets, pool, mask } = w;
  const t0 = performance.now();
  for (let r0 = 0; r0 < w.rounds; r0 += ROUNDS_PER_YIELD) {
    const end = Math.min(w.rounds, r0 + ROUNDS_PER_YIELD);
    for (let r = r0; r < end; r++) {
      for (let s = 0; s < STEPS; s++) {
        const slot = (r + offsets[s]!) & mask;
        const span = tracer.startSpan(names[s]!, { attributes: contexts[s * pool + slot] as Attributes | undefined }, parents[slot]);
        span.end();
      }
    }
    await yieldNow();
  }
  await provider.forceFlush();
  const ms = performance.now() - t0;
  await provider.shutdown();
  if (exported !== w.rounds * STEPS) throw new Error(`OpenTelemetry exported ${exported} of ${w.rounds * STEPS} spans`);
  return ms;
}

async function measureOtel(w: Workload, warmup: Workload): Promise<number> {
  const parents = journeyParents(w);
  await otelSpans(warmup, parents);
  return ((w.rounds * STEPS) / (await otelSpans(w, parents))) * 1000;
}

const positiveInteger = (name: string, value: number) => {
  if (!(Number.isSafeInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
};

export async function measureStampPath(options: StampPathOptions): Promise<StampPathResult> {
  const log = options.log ?? (() => undefined);
  positiveInteger('hops', options.hops);
  if (options.otelHops !== undefined) positiveInteger('otelHops', options.otelHops);
  const w = makeWorkload(options.hops);
  const otel = { ...w, rounds: Math.ceil((options.otelHops ?? options.hops) / STEPS) };
  // Warm-up runs the same code first (a tenth of the load, at least 100k hops or the whole load
  // when smaller) so both sides are optimised before timing.
  const warmup = (of: Workload) => ({ ...of, rounds: Math.max(Math.ceil(of.rounds / 10), Math.min(of.rounds, Math.ceil(100_000 / STEPS))) });
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-stamp-'));
  try {
    log(`stamp path: ${w.rounds * STEPS} hops through a hopwatch agent`);
    const hopwatch = await measureHopwatch(w, warmup(w), dir);
    log(`  stamp(): ${Math.round(hopwatch.stampPerS)} /s sustained, ${hopwatch.stampCallNs.toFixed(1)} ns per call`);
    log(`stamp path: ${otel.rounds * STEPS} spans through the OpenTelemetry SDK`);
    const otelSpanPerS = await measureOtel(otel, warmup(otel));
    log(`  spans: ${Math.round(otelSpanPerS)} /s`);
    return { ...hopwatch, otelSpanPerS, hops: w.rounds * STEPS, otelSpans: otel.rounds * STEPS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
