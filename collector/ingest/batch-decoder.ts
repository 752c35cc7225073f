// Decodes and validates one Batch. Every field is checked; a bad batch yields a reason
// and a detail that quotes the bad value, never an exception.
import type { JourneyContext } from '../../proto/hop-context.js';
import {
  cspRegionName, deviceTypeName, EMPTY_CONTEXT, LABEL_PATTERN, smetsGenerationName, SRV_PATTERN, CODE_PATTERN,
} from '../../proto/hop-context.js';
import { isHopPoint } from '../../proto/hop-point.js';
import { EARLIEST_PLAUSIBLE_US } from '../../proto/hop-time.js';
import type { WireEuiTableFields, WireProfileFields } from '../../proto/wire.js';
import { LEGACY_WIRE_VERSION, WIRE_VERSION, WireBatch } from '../../proto/wire.js';
import { partitionOfKey } from '../../proto/partition.js';
import { checkBatchMac, checkChecksum } from '../../proto/batch-checksum.js';
import { AGENT_ID_PATTERN } from '../../proto/topics.js';
import type { RejectReason } from '../errors.js';
import type { DecodedBatch } from '../join/decoded-batch.js';
import { JoinKey } from '../join/join-key.js';

export type DecodeResult =
  | { readonly ok: true; readonly batch: DecodedBatch }
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string; readonly streamId: number; readonly seq: number };

export interface DecodeLimits {
  readonly maxHopsPerBatch: number;
  /** Latest acceptable hop time: the collector's now plus the allowed skew, microseconds. */
  readonly latestTimeUs: number;
  /** Maps each profile's context to a shared object (see ContextInterner). */
  readonly intern?: (ctx: JourneyContext) => JourneyContext;
  /** Accept a batch without a checksum field: only for the collector's own batch log, which
   *  may hold batches logged before batches carried one. A wrong checksum is never accepted. */
  readonly allowMissingChecksum?: boolean;
  /** The agent's key when the collector holds a credential for it: the batch must carry a valid mac. */
  readonly macKey?: Uint8Array;
  /** The partition of the batch's topic, and the partition count: Batch.partition and every key must be in it.
   *  Without an index (a collector holding every partition): every key must be in one partition, which is the batch's. */
  readonly partition?: { readonly index?: number; readonly count: number };
  /** Accept wire version 1 (no partition) as well: batches logged or buffered before version 2. */
  readonly allowLegacyVersion?: boolean;
}


class Rejection {
  constructor(readonly reason: RejectReason, readonly detail: string) {}
}

const reject = (reason: RejectReason, detail: string): never => {
  throw new Rejection(reason, detail);
};

export function decodeBatch(payload: Uint8Array, topicAgentId: string, limits: DecodeLimits): DecodeResult {
  // First, before any field is read: a damaged batch may still decode, into wrong data.
  const checked = checkChecksum(payload);
  if (!checked.ok && !(checked.missing && limits.allowMissingChecksum)) {
    return { ok: false, reason: 'HW_COLLECTOR_BAD_CHECKSUM', detail: checked.detail, streamId: 0, seq: 0 };
  }
  // Then who sent it: under a credential, a batch the agent did not sign is not the agent's.
  if (limits.macKey && !(checked.ok && checkBatchMac(checked.body, limits.macKey))) {
    return { ok: false, reason: 'HW_COLLECTOR_BAD_MAC', detail: 'the batch carries no valid mac under the agent\'s key', streamId: 0, seq: 0 };
  }
  let wire: ReturnType<typeof WireBatch.decode>;
  try {
    wire = WireBatch.decode(checked.ok ? checked.body : payload);
  } catch (err) {
    return { ok: false, reason: 'HW_COLLECTOR_UNDECODABLE', detail: (err as Error).message, streamId: 0, seq: 0 };
  }
  try {
    return { ok: true, batch: validate(wire, topicAgentId, limits) };
  } catch (err) {
    // Stream and seq, when readable, let the agent match the rejection to its batch.
    const seq = int64Number(wire.seq ?? 0);
    if (err instanceof Rejection) return { ok: false, reason: err.reason, detail: err.detail, streamId: wire.streamId ?? 0, seq: Number.isSafeInteger(seq) ? seq : 0 };
    throw err;
  }
}

type Wire = ReturnType<typeof WireBatch.decode>;

function validate(w: Wire, topicAgentId: string, limits: DecodeLimits): DecodedBatch {
  const version = w.version ?? 0;
  const legacy = limits.allowLegacyVersion === true && version === LEGACY_WIRE_VERSION;
  if (version !== WIRE_VERSION && !legacy) reject('HW_COLLECTOR_BAD_VERSION', `version ${version}, this collector accepts ${WIRE_VERSION}`);
  if (!w.agentId) reject('HW_COLLECTOR_MISSING_FIELD', 'agent_id is empty');
  if (!AGENT_ID_PATTERN.test(w.agentId)) reject('HW_COLLECTOR_BAD_FIELD', `agent_id ${JSON.stringify(w.agentId)} does not match ${AGENT_ID_PATTERN}`);
  if (w.agentId !== topicAgentId) reject('HW_COLLECTOR_AGENT_MISMATCH', `agent_id ${JSON.stringify(w.agentId)} published on the topic of ${JSON.stringify(topicAgentId)}`);
  if (!w.streamId) reject('HW_COLLECTOR_MISSING_FIELD', 'stream_id is 0');
  const seq = int64Number(w.seq ?? 0);
  if (!(seq >= 1 && Number.isSafeInteger(seq))) reject(seq === 0 ? 'HW_COLLECTOR_MISSING_FIELD' : 'HW_COLLECTOR_BAD_FIELD', `seq ${String(w.seq ?? 0)} is not in 1..2^53`);

  const strings = w.strings ?? [];
  if (strings.length > 0 && strings[0] !== '') reject('HW_COLLECTOR_BAD_FIELD', `strings[0] must be "", got ${JSON.stringify(strings[0])}`);
  const originators = euiTable(w.originators, 'originators', version);
  const targets = euiTable(w.targets, 'targets', version);
  const intern = limits.intern ?? ((ctx: JourneyContext) => ctx);
  const contexts = (w.profiles ?? []).map((p, i) => intern(profileContext(p, i, strings)));

  const keys = keyRows(w, version, originators, targets, contexts.length);
  const partition = limits.partition ? checkPartition(w, keys.keys, limits.partition) : legacy ? -1 : w.partition ?? 0;
  const hopCount = w.hopKey?.length ?? 0;
  if (hopCount === 0) reject('HW_COLLECTOR_MISSING_FIELD', 'the batch holds no hops');
  if (hopCount > limits.maxHopsPerBatch) reject('HW_COLLECTOR_TOO_LARGE', `${hopCount} hops, at most ${limits.maxHopsPerBatch}`);
  sameLength(hopCount, w.hopPoint, 'hop_point');
  sameLength(hopCount, w.hopTimeDeltaUs, 'hop_time_delta_us');

  const hopKey = new Array<number>(hopCount);
  const hopPoint = w.hopPoint as number[];
  let introduced = 0;
  const hopTimeUs = new Float64Array(hopCount);
  let t = int64Number(w.baseTimeUs ?? 0);
  if (!Number.isSafeInteger(t)) reject('HW_COLLECTOR_BAD_TIME', `base_time_us ${String(w.baseTimeUs)} is out of range`);
  for (let i = 0; i < hopCount; i++) {
    const ref = w.hopKey[i]!;
    const row = ref === 0 ? introduced++ : ref - 1;
    if (row >= introduced || row >= keys.keys.length) reject('HW_COLLECTOR_BAD_FIELD', `hop_key[${i}] = ${ref} refers to key row ${row}, but ${Math.min(introduced, keys.keys.length)} rows are in use`);
    hopKey[i] = row;
    if (!isHopPoint(hopPoint[i]!)) reject('HW_COLLECTOR_BAD_FIELD', `hop_point[${i}] = ${hopPoint[i]} is not a hop point`);
    t += w.hopTimeDeltaUs[i]!;
    hopTimeUs[i] = t;
  }
  if (introduced !== keys.keys.length) reject('HW_COLLECTOR_BAD_FIELD', `${keys.keys.length} key rows, but hops use ${introduced}`);
  // Times only increase, so the first and last hop bound them all.
  if (hopTimeUs[0]! < EARLIEST_PLAUSIBLE_US) reject('HW_COLLECTOR_BAD_TIME', `hop time ${isoOf(hopTimeUs[0]!)} is before 2015`);
  if (hopTimeUs[hopCount - 1]! > limits.latestTimeUs) reject('HW_COLLECTOR_BAD_TIME', `hop time ${isoOf(hopTimeUs[hopCount - 1]!)} is too far in the future`);

  return {
    agentId: w.agentId,
    streamId: w.streamId,
    seq,
    partition,
    keys: keys.keys,
    keyContexts: keys.profiles.map((p) => contexts[p] ?? EMPTY_CONTEXT),
    hopCount,
    hopKey,
    hopPoint,
    hopTimeUs,
    hopCode: hopCodes(w, hopCount, strings),
  };
}

/** The batch's partition. Per key row, not per hop: a batch's keys are few beside its hops. */
function checkPartition(w: Wire, keys: readonly JoinKey[], topic: { readonly index?: number; readonly count: number }): number {
  const stated = w.partition ?? 0;
  if (topic.index !== undefined && stated !== topic.index) reject('HW_COLLECTOR_WRONG_PARTITION', `the batch names partition ${stated}, its topic partition ${topic.index}`);
  const index = topic.index ?? (keys.length > 0 ? partitionOfKey(keys[0]!, topic.count) : 0);
  for (let row = 0; row < keys.length; row++) {
    const p = partitionOfKey(keys[row]!, topic.count);
    if (p !== index) {
      reject('HW_COLLECTOR_WRONG_PARTITION', topic.index === undefined
        ? `keys 0 and ${row} are in partitions ${index} and ${p} of ${topic.count}: a batch's keys share one partition`
        : `key ${row} (${keys[row]!.toString()}) is in partition ${p} of ${topic.count}, the batch's topic in ${topic.index}`);
    }
  }
  return index;
}

function sameLength(expected: number, column: readonly unknown[] | undefined, name: string): void {
  const n = column?.length ?? 0;
  if (n !== expected) reject('HW_COLLECTOR_BAD_FIELD', `${name} has ${n} entries, expected ${expected}`);
}

/** EUI-64 table as two columns of 32-bit halves. */
function euiTable(table: WireEuiTableFields | null | undefined, name: string, version: number): { hi: number[]; lo: number[] } {
  const loIn = table?.lo ?? [];
  const runs = hiRuns(table, name, loIn.length, version);
  const hi = new Array<number>(loIn.length);
  const lo = new Array<number>(loIn.length);
  let h = 0;
  let l = 0;
  let i = 0;
  for (let r = 0; r < runs.hiDelta.length; r++) {
    h += runs.hiDelta[r]!;
    for (let end = i + runs.length[r]!; i < end; i++) {
      const same = end - i < runs.length[r]!;
      l = same ? l + loIn[i]! : loIn[i]!;
      if (h > 0xffffffff || l > 0xffffffff) reject('HW_COLLECTOR_BAD_FIELD', `${name}[${i}] overflows 64 bits`);
      if (same && loIn[i] === 0) reject('HW_COLLECTOR_BAD_FIELD', `${name}[${i}] repeats the previous entry`);
      hi[i] = h;
      lo[i] = l;
    }
  }
  return { hi, lo };
}

/**
 * The table's runs of entries that share hi: version 2 sends them (hi_run), version 1 one
 * hi_delta per entry, where 0 after the first continues the run.
 */
function hiRuns(table: WireEuiTableFields | null | undefined, name: string, entries: number, version: number): { hiDelta: readonly number[]; length: readonly number[] } {
  const hiDelta = table?.hiDelta ?? [];
  const hiRun = table?.hiRun ?? [];
  if (version === 1) {
    if (hiRun.length > 0) reject('HW_COLLECTOR_BAD_FIELD', `${name}: hi_run is version 2, the batch is version 1`);
    if (hiDelta.length !== entries) reject('HW_COLLECTOR_BAD_FIELD', `${name}: hi_delta has ${hiDelta.length} entries, lo has ${entries}`);
    const deltas: number[] = [];
    const length: number[] = [];
    hiDelta.forEach((d, i) => {
      if (i > 0 && d === 0) length[length.length - 1]!++;
      else {
        deltas.push(d);
        length.push(1);
      }
    });
    return { hiDelta: deltas, length };
  }
  if (hiRun.length !== hiDelta.length) reject('HW_COLLECTOR_BAD_FIELD', `${name}: hi_delta has ${hiDelta.length} runs, hi_run has ${hiRun.length}`);
  let total = 0;
  for (let r = 0; r < hiRun.length; r++) {
    if (hiRun[r]! < 1) reject('HW_COLLECTOR_BAD_FIELD', `${name}: hi_run[${r}] is 0`);
    if (r > 0 && hiDelta[r] === 0) reject('HW_COLLECTOR_BAD_FIELD', `${name}: hi_delta[${r}] is 0, so run ${r} repeats the hi of run ${r - 1}`);
    total += hiRun[r]!;
  }
  if (total !== entries) reject('HW_COLLECTOR_BAD_FIELD', `${name}: hi_run adds up to ${total} entries, lo has ${entries}`);
  return { hiDelta, length: hiRun };
}

function text(strings: readonly string[], index: number | null | undefined, field: string, pattern: RegExp): string | undefined {
  if (!index) return undefined;
  const value = strings[index];
  if (value === undefined) return reject('HW_COLLECTOR_BAD_FIELD', `${field} refers to string ${index} of ${strings.length}`);
  if (!pattern.test(value)) reject('HW_COLLECTOR_BAD_FIELD', `${field} ${JSON.stringify(value)} does not match ${pattern}`);
  return value;
}

function enumName<T>(names: readonly (T | undefined)[], value: number | null | undefined, field: string): T | undefined {
  if (!value) return undefined;
  const name = names[value];
  if (name === undefined) reject('HW_COLLECTOR_BAD_FIELD', `${field} ${value} is not a known value`);
  return name;
}

function profileContext(p: WireProfileFields, i: number, strings: readonly string[]): JourneyContext {
  const at = `profiles[${i}]`;
  const ctx: Record<string, string> = {};
  const set = (field: string, value: string | undefined) => { if (value !== undefined) ctx[field] = value; };
  set('srv', text(strings, p.srv, `${at}.srv`, SRV_PATTERN));
  set('deviceType', enumName(deviceTypeName, p.deviceType, `${at}.device_type`));
  set('deviceModel', text(strings, p.deviceModel, `${at}.device_model`, LABEL_PATTERN));
  set('firmwareVersion', text(strings, p.firmwareVersion, `${at}.firmware_version`, LABEL_PATTERN));
  set('chFirmwareVersion', text(strings, p.chFirmwareVersion, `${at}.ch_firmware_version`, LABEL_PATTERN));
  set('cspRegion', enumName(cspRegionName, p.cspRegion, `${at}.csp_region`));
  set('smetsGeneration', enumName(smetsGenerationName, p.smetsGeneration, `${at}.smets_generation`));
  set('userRole', text(strings, p.userRole, `${at}.user_role`, LABEL_PATTERN));
  return Object.keys(ctx).length === 0 ? EMPTY_CONTEXT : (Object.freeze(ctx) as JourneyContext);
}

type Eui = { hi: number[]; lo: number[] };

/** Each key row's index into targets: version 2 sends deltas, version 1 the indexes. */
function keyTargets(w: Wire, version: number): readonly number[] {
  if (version === 1) {
    if (w.keyTargetDelta?.length) reject('HW_COLLECTOR_BAD_FIELD', 'key_target_delta is version 2, the batch is version 1');
    return w.keyTarget ?? [];
  }
  if (w.keyTarget?.length) reject('HW_COLLECTOR_BAD_FIELD', 'key_target is version 1, the batch is version 2 (key_target_delta)');
  const deltas = w.keyTargetDelta ?? [];
  const out = new Array<number>(deltas.length);
  let index = 0;
  for (let row = 0; row < deltas.length; row++) out[row] = index += deltas[row]!;
  return out;
}

function keyRows(w: Wire, version: number, originators: Eui, targets: Eui, profileCount: number) {
  const keyTarget = keyTargets(w, version);
  const count = keyTarget.length;
  sameLength(count, w.keyCounterDelta, 'key_counter_delta');
  // Originator and profile columns may be left out when every row would hold 0.
  const keyOriginator = w.keyOriginator?.length ? w.keyOriginator : new Array<number>(count).fill(0);
  const keyProfile = w.keyProfile?.length ? w.keyProfile : new Array<number>(count).fill(0);
  sameLength(count, keyOriginator, 'key_originator');
  sameLength(count, keyProfile, 'key_profile');
  const keys = new Array<JoinKey>(count);
  const profiles = keyProfile;
  // Counters stay plain numbers while they are at most 2^53; BigInt only beyond.
  let counter = 0;
  let big: bigint | undefined;
  for (let row = 0; row < count; row++) {
    const target = keyTarget[row]!;
    const originator = keyOriginator[row]!;
    if (!(target >= 0 && target < targets.lo.length)) reject('HW_COLLECTOR_BAD_FIELD', `key ${row} refers to target ${target} of ${targets.lo.length}`);
    if (originator >= originators.lo.length) reject('HW_COLLECTOR_BAD_FIELD', `key ${row} refers to originator ${originator} of ${originators.lo.length}`);
    if (profiles[row]! >= Math.max(profileCount, 1) || (profileCount === 0 && profiles[row] !== 0)) {
      reject('HW_COLLECTOR_BAD_FIELD', `key ${row} refers to profile ${profiles[row]} of ${profileCount}`);
    }
    const delta = w.keyCounterDelta[row]!;
    const small = int64Number(delta);
    const next = big === undefined && Number.isSafeInteger(small) ? counter + small : Number.NaN;
    if (next >= 0 && next <= Number.MAX_SAFE_INTEGER) {
      counter = next;
      big = undefined;
    } else {
      big = BigInt.asUintN(64, (big ?? BigInt(counter)) + toBigInt(delta));
      if (big <= BigInt(Number.MAX_SAFE_INTEGER)) {
        counter = Number(big);
        big = undefined;
      }
    }
    const oHi = originators.hi[originator]!;
    const oLo = originators.lo[originator]!;
    const tHi = targets.hi[target]!;
    const tLo = targets.lo[target]!;
    keys[row] = big === undefined ? new JoinKey(oHi, oLo, tHi, tLo, counter) : new JoinKey(oHi, oLo, tHi, tLo, Number.NaN, big);
  }
  return { keys, profiles: profileCount === 0 ? profiles.map(() => 0) : profiles };
}

/**
 * A 64-bit field as a number, rounded as Number(v) rounds it, without Number's detour through
 * long.js's decimal text (a tenth of a small batch's decoding): protobufjs hands every 64-bit
 * value over as a Long, the counter deltas too.
 */
function int64Number(v: number | { low: number; high: number; unsigned: boolean }): number {
  if (typeof v === 'number') return v;
  return (v.unsigned ? v.high >>> 0 : v.high) * 2 ** 32 + (v.low >>> 0);
}

function toBigInt(v: number | { low: number; high: number }): bigint {
  if (typeof v === 'number') return BigInt(v);
  return BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0));
}

function hopCodes(w: Wire, hopCount: number, strings: readonly string[]): (string | undefined)[] {
  const codes = new Array<string | undefined>(hopCount);
  const deltas = w.codeHopDelta ?? [];
  sameLength(deltas.length, w.code, 'code');
  let hop = 0;
  for (let i = 0; i < deltas.length; i++) {
    hop += deltas[i]!;
    if (hop >= hopCount || (i > 0 && deltas[i] === 0)) reject('HW_COLLECTOR_BAD_FIELD', `code ${i} refers to hop ${hop} of ${hopCount}`);
    codes[hop] = text(strings, w.code[i], `code[${i}]`, CODE_PATTERN);
    if (codes[hop] === undefined) reject('HW_COLLECTOR_BAD_FIELD', `code[${i}] is empty`);
  }
  return codes;
}

function isoOf(us: number): string {
  const ms = us / 1000;
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(us);
}
