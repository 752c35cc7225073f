// Wire size, side by side: bytes per hop in full hopwatch batches as real agents write them
// to their SQLite buffers, against the very same hops as OTLP protobuf spans in batches of
// the same size, and as the agent's own JSON intake format (one line per hop).
//
// The agents are real (default batch settings) but run on a virtual clock, so the figure
// does not depend on how fast this machine is. Traffic is bench/synthetic-traffic.ts: the
// 11-point SMETS2 chain over a gateway, a CSP and a rig agent, spread over ~3.6 s.
//
// OTLP mapping: lossless, and kept small so that the comparison favours OTLP where in doubt:
// - one span per hop, named after the point, start = end = the hop's time, kind INTERNAL;
// - trace id = target EUI-64 (8 bytes) then counter (8 bytes, big-endian): one trace per journey;
// - span id: unique per span (8 bytes, as the SDK makes them); no parent;
// - attributes: the hop's context under the same names as the JSON intake (srv, code, ...);
//   the originator EUI-64 (16 hex digits) goes only on the spans that state journey context,
//   once per journey per agent, as hopwatch states it once per key per batch;
// - resource: service.name = the agent id; one instrumentation scope.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime, type SpanContext } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import Database from 'better-sqlite3';
import protobuf from 'protobufjs';
import { packageFile } from '../common/paths.js';
import { createAgent, type Agent, type AgentDeps } from '../agent/agent.js';
import { agentDefaults } from '../agent/config.js';
import type { JourneyKey } from '../agent/journey-key.js';
import { hasJourneyContext, type HopContext } from '../proto/hop-context.js';
import { hopPointName } from '../proto/hop-point.js';
import { freePort } from './mosquitto.js';
import { createTraffic, HOPS_PER_JOURNEY, type TrafficGroup } from './synthetic-traffic.js';

export interface WireSizeOptions {
  readonly journeys: number;
  /**
   * Offered load, shared by one gateway, one CSP and one rig agent. The default, 500,000, is
   * the end-to-end target: every agent fills its batches within the flush interval. A higher
   * rate makes a batch span less time, so fewer of its hops share a key row: lower rates
   * give slightly smaller batches (250,000: a few tenths of a byte per hop less).
   */
  readonly hopsPerSecond?: number;
  readonly log?: (line: string) => void;
}

export interface WireSizeResult {
  /** Encoded bytes per hop over full batches (hops = batch.maxHops). */
  readonly bytesPerHop: number;
  /** bytesPerHop split by the Batch field that holds the bytes (its tag and length included), largest first. */
  readonly bytesPerHopByField: Readonly<Record<string, number>>;
  /** The same hops as OTLP ExportTraceServiceRequest protobuf, batched the same way. */
  readonly otlpBytesPerHop: number;
  /** The same hops as NDJSON in the agent's intake format, newline included. */
  readonly jsonBytesPerHop: number;
  /** Full batches measured. */
  readonly batches: number;
  /** Hops in each of them (batch.maxHops). */
  readonly hopsPerBatch: number;
  /** Every batch the agents wrote, partly filled ones too (flush-interval seals, the run's tail). */
  readonly allBatches: number;
  readonly allBytesPerHop: number;
  readonly hops: number;
}

const SLOT_MS = 10;
const START_MS = Date.UTC(2026, 0, 14, 12, 0, 0);

/** OTLP trace id of a journey: target EUI-64 then counter, 32 hex digits. */
export function otelTraceIdOf(key: JourneyKey): string {
  return hex8(key.targetHi) + hex8(key.targetLo) + (key.counter & 0xffff_ffff_ffff_ffffn).toString(16).padStart(16, '0');
}

/** An 8-byte span id (16 hex digits) from a positive safe integer. */
export function otelSpanIdOf(n: number): string {
  return hex8(Math.floor(n / 2 ** 32)) + hex8(n >>> 0);
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** What one agent stamped, in order, and where its chunks were sealed by a flush. */
interface Stamped {
  readonly agentId: string;
  readonly file: string;
  readonly keys: JourneyKey[];
  readonly points: number[];
  readonly timesUs: number[];
  readonly contexts: (HopContext | undefined)[];
  readonly flushedAt: number[];
}

/**
 * Runs the traffic through real agents on a virtual clock. Within each 10 ms slot of the
 * traffic wheel, clock readings advance by 1/rate so hops are spread as arrivals would be,
 * instead of sharing one time per slot; the flush interval is kept in virtual time too.
 */
async function stampTraffic(dir: string, journeys: number, hopsPerSecond: number): Promise<Stamped[]> {
  let slotUs = 0;
  let readings = 0;
  let lastUs = 0;
  const stepUs = 1e6 / hopsPerSecond;
  const clock: NonNullable<AgentDeps['clock']> = {
    nowUs: () => (lastUs = slotUs + Math.min(readings++ * stepUs, SLOT_MS * 1000 - 1)),
    // The wall clock follows the virtual one, so the agent sees no step.
    wallNowUs: () => slotUs,
  };
  const brokerUrl = `mqtt://127.0.0.1:${await freePort()}`;
  const stamped: Stamped[] = [];
  const agents: Agent[] = [];

  const open = (agentId: string): Agent => {
    const file = join(dir, `${agentId}.db`);
    const agent = createAgent({
      ...agentDefaults,
      agentId,
      // Nothing listens there: every batch stays in the buffer to be measured.
      broker: { ...agentDefaults.broker, url: brokerUrl },
      buffer: { ...agentDefaults.buffer, file },
      // One partition: this measures the encoding of full batches. Split over P partitions, an
      // agent's batches hold fewer hops each, and each carries its tables once more.
      batch: { ...agentDefaults.batch, partitions: 1 },
      intake: { ...agentDefaults.intake, udpPort: 0, httpPort: 0 },
      logLevel: 'silent',
    }, { clock });
    agents.push(agent);
    const s: Stamped = { agentId, file, keys: [], points: [], timesUs: [], contexts: [], flushedAt: [] };
    stamped.push(s);
    return {
      ...agent,
      stamp(key, point, context) {
        agent.stamp(key, point, context);
        s.keys.push(key);
        s.points.push(point);
        s.timesUs.push(lastUs);
        s.contexts.push(context);
      },
    };
  };

  const groups: TrafficGroup[] = [{ gateway: open('bench-gw'), csp: open('bench-csp'), rig: open('bench-rig') }];
  // Every journey its own device, as across a national fleet: no target repeats within a batch.
  const traffic = createTraffic({ groups, hopsPerSecond, devicesPerGroup: 1 << 20 }, START_MS);
  const flush = () => {
    stamped.forEach((s, i) => {
      s.flushedAt.push(s.keys.length);
      agents[i]!.flush();
    });
  };
  try {
    let lastFlushMs = START_MS;
    // Synchronous on purpose: the agents' own (real-time) flush timers never fire, so the virtual one rules.
    for (let nowMs = START_MS; !(traffic.started >= journeys && traffic.idle); nowMs += SLOT_MS) {
      if (traffic.started >= journeys) traffic.stopStarting();
      slotUs = nowMs * 1000;
      readings = 0;
      traffic.pump(nowMs);
      if (nowMs - lastFlushMs >= agentDefaults.batch.flushIntervalMs) {
        flush();
        lastFlushMs = nowMs;
      }
    }
    flush();
  } finally {
    await Promise.all(agents.map((a) => a.close()));
  }
  return stamped;
}

/** The hop ranges [start, end) the agent sealed into batches: maxHops each, cut short by flushes. */
function batchRanges(s: Stamped, maxHops: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (const cut of s.flushedAt) {
    for (; start < cut; start = Math.min(cut, start + maxHops)) out.push([start, Math.min(cut, start + maxHops)]);
  }
  return out;
}

function hrTime(timeUs: number): HrTime {
  const us = Math.floor(timeUs);
  return [Math.floor(us / 1e6), (us % 1e6) * 1000];
}

function otlpBytes(s: Stamped, start: number, end: number, resource: Resource, firstSpanId: number): number {
  const spans: ReadableSpan[] = [];
  for (let i = start; i < end; i++) {
    const key = s.keys[i]!;
    const ctx = s.contexts[i];
    const attributes: Attributes = ctx === undefined ? {} : hasJourneyContext(ctx)
      ? { ...ctx, originator: hex8(key.originatorHi) + hex8(key.originatorLo) }
      : { ...ctx };
    const context: SpanContext = { traceId: otelTraceIdOf(key), spanId: otelSpanIdOf(firstSpanId + i), traceFlags: TraceFlags.SAMPLED };
    const time = hrTime(s.timesUs[i]!);
    spans.push({
      name: hopPointName(s.points[i]!),
      kind: SpanKind.INTERNAL,
      spanContext: () => context,
      startTime: time,
      endTime: time,
      duration: [0, 0],
      ended: true,
      status: { code: SpanStatusCode.UNSET },
      attributes,
      links: [],
      events: [],
      resource,
      instrumentationScope: { name: 'hopwatch-bench', version: '1.0.0' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    });
  }
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  if (!bytes) throw new Error('OTLP serialisation failed');
  return bytes.length;
}

function jsonBytes(s: Stamped, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const line = JSON.stringify({ key: s.keys[i]!.toString(), point: hopPointName(s.points[i]!), timeUs: Math.floor(s.timesUs[i]!), ...s.contexts[i] });
    n += Buffer.byteLength(line) + 1;
  }
  return n;
}

interface BufferedBatch { readonly hops: number; readonly size: number; readonly bytes: Uint8Array }

function readBuffer(file: string): BufferedBatch[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT hops, length(bytes) AS size, bytes FROM batches ORDER BY seq').all() as BufferedBatch[];
  } finally {
    db.close();
  }
}

/** The Batch message as hopwatch.proto defines it, for its field names. */
let batchType: protobuf.Type | undefined;

function fieldName(id: number): string {
  batchType ??= protobuf.loadSync(packageFile('proto', 'hopwatch.proto')).lookupType('hopwatch.v1.Batch');
  return batchType.fieldsById[id]?.name ?? `field_${id}`;
}

/** Adds each top-level field's encoded bytes (tag, length and value) to `byField`. */
function addFieldBytes(bytes: Uint8Array, byField: Map<number, number>): void {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    reader.skipType(tag & 7);
    byField.set(tag >>> 3, (byField.get(tag >>> 3) ?? 0) + reader.pos - start);
  }
}

export async function measureWireSizes(options: WireSizeOptions): Promise<WireSizeResult> {
  const log = options.log ?? (() => undefined);
  const hopsPerSecond = options.hopsPerSecond ?? 500_000;
  if (!(Number.isSafeInteger(options.journeys) && options.journeys > 0)) throw new RangeError(`journeys must be a positive integer, got ${options.journeys}`);
  if (!(hopsPerSecond > 0)) throw new RangeError(`hopsPerSecond must be positive, got ${hopsPerSecond}`);
  const maxHops = agentDefaults.batch.maxHops;
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-wire-'));
  try {
    log(`wire size: ${options.journeys} journeys (${options.journeys * HOPS_PER_JOURNEY} hops) at ${hopsPerSecond} hops/s, virtual time`);
    const stamped = await stampTraffic(dir, options.journeys, hopsPerSecond);
    const full = { batches: 0, hops: 0, bytes: 0, otlp: 0, json: 0 };
    const byField = new Map<number, number>();
    const all = { batches: 0, hops: 0, bytes: 0 };
    let spanIds = 1;
    for (const s of stamped) {
      const buffered = readBuffer(s.file);
      const ranges = batchRanges(s, maxHops);
      // The reconstruction must be the agent's own batching, or OTLP would be measured on other hops.
      if (buffered.length !== ranges.length || buffered.some((b, i) => b.hops !== ranges[i]![1] - ranges[i]![0])) {
        throw new Error(`${s.agentId}: buffer holds ${buffered.length} batches, expected ${ranges.length} as stamped`);
      }
      const resource = resourceFromAttributes({ 'service.name': s.agentId });
      buffered.forEach((b, i) => {
        all.batches++; all.hops += b.hops; all.bytes += b.size;
        if (b.hops !== maxHops) return;
        const [start, end] = ranges[i]!;
        full.batches++; full.hops += b.hops; full.bytes += b.size;
        addFieldBytes(b.bytes, byField);
        full.otlp += otlpBytes(s, start, end, resource, spanIds);
        full.json += jsonBytes(s, start, end);
        spanIds += end - start;
      });
    }
    if (full.batches === 0) throw new Error(`no batch filled to ${maxHops} hops: give more journeys or a higher rate`);
    const result: WireSizeResult = {
      bytesPerHop: full.bytes / full.hops,
      bytesPerHopByField: Object.fromEntries([...byField].sort((a, b) => b[1] - a[1]).map(([id, bytes]) => [fieldName(id), bytes / full.hops])),
      otlpBytesPerHop: full.otlp / full.hops,
      jsonBytesPerHop: full.json / full.hops,
      batches: full.batches,
      hopsPerBatch: maxHops,
      allBatches: all.batches,
      allBytesPerHop: all.bytes / all.hops,
      hops: all.hops,
    };
    log(`  ${result.bytesPerHop.toFixed(2)} B/hop hopwatch, ${result.otlpBytesPerHop.toFixed(1)} B/hop OTLP, ${result.jsonBytesPerHop.toFixed(1)} B/hop JSON (${full.batches} full batches)`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
