// Encodes stamped hops into columnar Batch messages (see proto/hopwatch.proto).
// All work here is per batch: hops are sorted by time once, keys are deduplicated by
// marking the key objects themselves (no hashing), and shared context becomes profiles.
// Callers pass one object per distinct key (the JSON intake interns them); two objects
// with the same key would cost a second key row, never a wrong join.
import { endianness } from 'node:os';
import Long from 'long';
import type { HopContext } from '../proto/hop-context.js';
import { CspRegionNumber, DeviceTypeNumber, hasJourneyContext, SmetsGenerationNumber } from '../proto/hop-context.js';
import type { WireEuiTableFields, WireProfileFields } from '../proto/wire.js';
import { WIRE_VERSION, WireBatch } from '../proto/wire.js';
import { appendChecksum } from '../proto/batch-checksum.js';

/** A correlation key in flat numbers; the two scratch fields belong to the encoder. */
export interface EncodableKey {
  readonly originatorHi: number;
  readonly originatorLo: number;
  readonly targetHi: number;
  readonly targetLo: number;
  readonly counter: bigint;
  /** The counter when it is at most 2^53, else NaN. */
  readonly counterNumber: number;
  encodePass: number;
  encodeRow: number;
}

/** Hops as the agent holds them: parallel columns, times in microseconds (fractions allowed). */
export interface HopColumns {
  readonly length: number;
  readonly keys: readonly EncodableKey[];
  readonly points: Uint8Array;
  readonly timesUs: Float64Array;
  readonly contexts: readonly (HopContext | undefined)[];
}

export interface BatchHeader {
  readonly agentId: string;
  readonly streamId: number;
  readonly seq: number;
}

export interface EncodedBatch {
  readonly seq: number;
  readonly hops: number;
  readonly bytes: Uint8Array;
}

/** hop_time_delta_us is a uint32: hops further apart than this go into separate batches. */
export const MAX_TIME_DELTA_US = 0xffffffff;
const MAX_SAFE_DELTA = BigInt(Number.MAX_SAFE_INTEGER);

// One counter for the process: a key object may be shared by several agents in one
// process (the firmware stubs do this); encoding is synchronous, so passes never interleave.
let encodePass = 0;

/**
 * Encodes `cols` into one batch per `maxHops` hops (more if the hops span more than
 * MAX_TIME_DELTA_US between neighbours). `header` is called once per batch, in order.
 */
export function encodeHops(cols: HopColumns, maxHops: number, header: () => BatchHeader): EncodedBatch[] {
  const order = timeOrder(cols);
  const out: EncodedBatch[] = [];
  let start = 0;
  while (start < cols.length) {
    let end = start + 1;
    let prev = Math.floor(cols.timesUs[order[start]!]!);
    while (end < cols.length && end - start < maxHops) {
      const t = Math.floor(cols.timesUs[order[end]!]!);
      if (t - prev > MAX_TIME_DELTA_US) break;
      prev = t;
      end++;
    }
    const h = header();
    out.push({ seq: h.seq, hops: end - start, bytes: encodeRange(cols, order, start, end, h) });
    start = end;
  }
  return out;
}

function timeOrder(cols: HopColumns): Int32Array {
  const order = new Int32Array(cols.length);
  let sorted = true;
  for (let i = 0; i < cols.length; i++) {
    order[i] = i;
    if (i > 0 && cols.timesUs[i]! < cols.timesUs[i - 1]!) sorted = false;
  }
  if (!sorted) order.sort((a, b) => cols.timesUs[a]! - cols.timesUs[b]! || a - b);
  return order;
}

// Column scratch space reused by every batch (the agent encodes one batch at a time).
let scratchSize = 0;
let hopKeyCol = new Uint32Array(0);
let hopPointCol = new Uint32Array(0);
let hopDeltaCol = new Uint32Array(0);
let keyTargetCol = new Int32Array(0);
let keyOriginatorCol = new Uint32Array(0);
let keyProfileCol = new Uint32Array(0);

function reserveScratch(n: number): void {
  if (n <= scratchSize) return;
  scratchSize = n;
  hopKeyCol = new Uint32Array(n);
  hopPointCol = new Uint32Array(n);
  hopDeltaCol = new Uint32Array(n);
  keyTargetCol = new Int32Array(n);
  keyOriginatorCol = new Uint32Array(n);
  keyProfileCol = new Uint32Array(n);
}

function encodeRange(cols: HopColumns, order: Int32Array, start: number, end: number, header: BatchHeader): Uint8Array {
  const pass = ++encodePass;
  const hopCount = end - start;
  reserveScratch(hopCount);

  // Distinct keys in the order they first appear; their EUIs go into sorted tables.
  const keys: EncodableKey[] = [];
  const originators = new EuiIndex();
  const targets = new EuiIndex();
  for (let i = start; i < end; i++) {
    const key = cols.keys[order[i]!]!;
    if (key.encodePass !== pass) {
      key.encodePass = pass;
      key.encodeRow = keys.push(key) - 1;
      originators.add(key.originatorHi, key.originatorLo);
      targets.add(key.targetHi, key.targetLo);
    }
  }
  originators.seal();
  targets.seal();
  const rows = keys.length;
  const keyCounterDelta = new Array<number | Long>(rows);
  let prev: EncodableKey | undefined;
  let prevTarget = 0;
  for (let row = 0; row < rows; row++) {
    const key = keys[row]!;
    const target = targets.indexOf(key.targetHi, key.targetLo);
    keyTargetCol[row] = target - prevTarget;
    prevTarget = target;
    keyOriginatorCol[row] = originators.indexOf(key.originatorHi, key.originatorLo);
    keyCounterDelta[row] = counterDelta(prev, key);
    keyProfileCol[row] = 0;
    prev = key;
  }

  // Hops in time order, with per-key profiles and sparse response codes.
  const strings = new StringTable();
  const profiles = new ProfileTable(strings);
  const codeHopDelta: number[] = [];
  const code: number[] = [];
  const baseTimeUs = Math.floor(cols.timesUs[order[start]!]!);
  let prevTime = baseTimeUs;
  let prevCodedHop = 0;
  let introduced = 0;
  for (let n = 0; n < hopCount; n++) {
    const hop = order[start + n]!;
    const row = cols.keys[hop]!.encodeRow;
    const t = Math.floor(cols.timesUs[hop]!);
    // Rows are numbered in first-appearance order, so a new key is always the next row.
    if (row === introduced) {
      hopKeyCol[n] = 0;
      introduced++;
    } else hopKeyCol[n] = row + 1;
    hopPointCol[n] = cols.points[hop]!;
    hopDeltaCol[n] = t - prevTime;
    prevTime = t;
    const ctx = cols.contexts[hop];
    if (ctx === undefined) continue;
    if (keyProfileCol[row] === 0) keyProfileCol[row] = profiles.indexOf(ctx);
    if (ctx.code !== undefined) {
      codeHopDelta.push(n - prevCodedHop);
      code.push(strings.indexOf(ctx.code));
      prevCodedHop = n;
    }
  }

  // The typed columns are views: the generated writer reads `length` and indexes them.
  const view = (col: Uint32Array | Int32Array, n: number) => col.subarray(0, n) as unknown as number[];
  return appendChecksum(WireBatch.encode({
    version: WIRE_VERSION,
    agentId: header.agentId,
    streamId: header.streamId,
    seq: header.seq,
    strings: strings.values,
    originators: originators.table(),
    targets: targets.table(),
    profiles: profiles.values,
    keyTargetDelta: view(keyTargetCol, rows),
    keyOriginator: originators.size > 1 ? view(keyOriginatorCol, rows) : [],
    keyCounterDelta,
    keyProfile: profiles.values.length > 1 ? view(keyProfileCol, rows) : [],
    baseTimeUs,
    hopKey: view(hopKeyCol, hopCount),
    hopPoint: view(hopPointCol, hopCount),
    hopTimeDeltaUs: view(hopDeltaCol, hopCount),
    codeHopDelta,
    code,
  }).finish());
}

/** counter - previous counter; plain numbers unless a counter is beyond 2^53. */
function counterDelta(prev: EncodableKey | undefined, key: EncodableKey): number | Long {
  const before = prev === undefined ? 0 : prev.counterNumber;
  if (before === before && key.counterNumber === key.counterNumber) return key.counterNumber - before;
  return sint64(key.counter - (prev?.counter ?? 0n));
}

/** Deltas are modulo 2^64, so any two unsigned 64-bit counters have one. */
function sint64(delta: bigint): number | Long {
  const value = BigInt.asIntN(64, delta);
  if (value <= MAX_SAFE_DELTA && value >= -MAX_SAFE_DELTA) return Number(value);
  const bits = BigInt.asUintN(64, value);
  return Long.fromBits(Number(bits & 0xffffffffn) | 0, Number(bits >> 32n) | 0, false);
}

/** Writes ascending, distinct EUI-64s as an EuiTable in runs of equal hi (see proto/hopwatch.proto, version 2). */
class EuiColumnWriter {
  private readonly hiDelta: number[] = [];
  private readonly hiRun: number[] = [];
  private readonly lo: number[] = [];
  private prevHi = 0;
  private prevLo = 0;

  push(hi: number, lo: number): void {
    const sameHi = this.lo.length > 0 && hi === this.prevHi;
    if (sameHi) this.hiRun[this.hiRun.length - 1]!++;
    else {
      this.hiDelta.push(hi - this.prevHi);
      this.hiRun.push(1);
    }
    this.lo.push(sameHi ? lo - this.prevLo : lo);
    this.prevHi = hi;
    this.prevLo = lo;
  }

  table(): WireEuiTableFields {
    return { hiDelta: this.hiDelta, lo: this.lo, hiRun: this.hiRun };
  }
}

const LO = endianness() === 'LE' ? 0 : 1;
const HI = 1 - LO;

/**
 * The distinct EUI-64s of a batch, sorted, with each key's index found by binary search.
 * The values are sorted natively as unsigned 64-bit numbers (a BigUint64Array seen through
 * a Uint32Array): no Map and no object per EUI, which cost more than the rest of the key.
 */
class EuiIndex {
  private wide = new BigUint64Array(64);
  private halves = new Uint32Array(this.wide.buffer);
  private count = 0;
  private unique = 0;

  add(hi: number, lo: number): void {
    if (this.count === this.wide.length) {
      const bigger = new BigUint64Array(this.wide.length * 2);
      bigger.set(this.wide);
      this.wide = bigger;
      this.halves = new Uint32Array(bigger.buffer);
    }
    this.halves[2 * this.count + LO] = lo;
    this.halves[2 * this.count + HI] = hi;
    this.count++;
  }

  seal(): void {
    const h = this.halves;
    this.wide.subarray(0, this.count).sort();
    let u = 0;
    for (let i = 0; i < this.count; i++) {
      if (u > 0 && h[2 * i + HI] === h[2 * (u - 1) + HI] && h[2 * i + LO] === h[2 * (u - 1) + LO]) continue;
      h[2 * u + HI] = h[2 * i + HI]!;
      h[2 * u + LO] = h[2 * i + LO]!;
      u++;
    }
    this.unique = u;
  }

  indexOf(hi: number, lo: number): number {
    const h = this.halves;
    let low = 0;
    let high = this.unique - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const mHi = h[2 * mid + HI]!;
      if (mHi < hi || (mHi === hi && h[2 * mid + LO]! < lo)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  get size(): number {
    return this.unique;
  }

  table(): WireEuiTableFields {
    const writer = new EuiColumnWriter();
    for (let i = 0; i < this.unique; i++) writer.push(this.halves[2 * i + HI]!, this.halves[2 * i + LO]!);
    return writer.table();
  }
}

class StringTable {
  readonly values: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);

  indexOf(value: string | undefined): number {
    if (value === undefined) return 0;
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.push(value) - 1;
      this.index.set(value, i);
    }
    return i;
  }
}

/** Profile 0 is the empty profile; a context object seen before costs one Map lookup. */
class ProfileTable {
  readonly values: WireProfileFields[] = [{}];
  private readonly byObject = new Map<HopContext, number>();
  private readonly bySignature = new Map<string, number>();

  constructor(private readonly strings: StringTable) {}

  indexOf(ctx: HopContext): number {
    let i = this.byObject.get(ctx);
    if (i !== undefined) return i;
    i = hasJourneyContext(ctx) ? this.intern(ctx) : 0;
    this.byObject.set(ctx, i);
    return i;
  }

  private intern(ctx: HopContext): number {
    const s = this.strings;
    const profile: WireProfileFields = {
      srv: s.indexOf(ctx.srv),
      deviceType: ctx.deviceType === undefined ? 0 : DeviceTypeNumber[ctx.deviceType],
      deviceModel: s.indexOf(ctx.deviceModel),
      firmwareVersion: s.indexOf(ctx.firmwareVersion),
      chFirmwareVersion: s.indexOf(ctx.chFirmwareVersion),
      cspRegion: ctx.cspRegion === undefined ? 0 : CspRegionNumber[ctx.cspRegion],
      smetsGeneration: ctx.smetsGeneration === undefined ? 0 : SmetsGenerationNumber[ctx.smetsGeneration],
      userRole: s.indexOf(ctx.userRole),
    };
    const signature = `${profile.srv},${profile.deviceType},${profile.deviceModel},${profile.firmwareVersion},` +
      `${profile.chFirmwareVersion},${profile.cspRegion},${profile.smetsGeneration},${profile.userRole}`;
    let i = this.bySignature.get(signature);
    if (i === undefined) {
      i = this.values.push(profile) - 1;
      this.bySignature.set(signature, i);
    }
    return i;
  }
}
