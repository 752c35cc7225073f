// The hops the tap stamps, on their way from its proxy thread to its agent's worker thread: a
// ring of fixed-size slots in one SharedArrayBuffer, one writer (the proxy) and one reader (the
// worker). A push writes a few numbers and at most 18 ASCII bytes into memory both threads see and
// publishes them with one atomic store: no message, no copy, no allocation, no lock, so the proxy
// never waits for the agent. When the reader falls behind and the ring is full, push refuses the
// hop (the caller counts it) rather than overwrite one not yet read.
//
// Layout: two Int32 indices (head: next slot to write, written only by the writer; tail: next
// slot to read, written only by the reader) and the slot count, then one column per field. One
// slot always stays empty, so head === tail means empty and head + 1 === tail (modulo the slot
// count) means full.
// Atomics.store/load on the indices order the plain column writes before the reader sees them.
import type { HopContext } from '../proto/hop-context.js';
import { JourneyKey } from '../agent/journey-key.js';

// The tap's hops carry at most a SRV and a response code. SRV_PATTERN allows 11 characters
// ("99.99.99.99"), CODE_PATTERN 7 ("ABC1234"); each field has a length byte before its text.
const SRV_CHARS = 11;
const CODE_CHARS = 7;
const CONTEXT_BYTES = 1 + SRV_CHARS + 1 + CODE_CHARS;
const HEAD = 0;
const TAIL = 1;

export interface StampRingWriter {
  /** Adds one hop; false when the ring is full (nothing is written). */
  push(key: JourneyKey, point: number, timeUs: number, context: HopContext | undefined): boolean;
  /** Hops written and not yet read. */
  readonly queued: number;
  /** Hops the ring holds at most. */
  readonly capacity: number;
}

export interface StampRingReader {
  /** Hands every hop written so far to `record`, oldest first; returns how many. */
  drain(record: (key: JourneyKey, point: number, timeUs: number, context: HopContext | undefined) => void): number;
  readonly queued: number;
}

interface Columns {
  readonly slots: number;
  readonly index: Int32Array;
  readonly counters: BigUint64Array;
  readonly timesUs: Float64Array;
  readonly eui: Uint32Array;
  readonly points: Uint8Array;
  readonly contexts: Uint8Array;
}

/** Header: head, tail, the slot count, padding; then the columns, each starting on a multiple of 8 bytes as the 64-bit views need. */
const HEADER_BYTES = 16;
const SLOTS = 2;
const padded = (bytes: number) => Math.ceil(bytes / 8) * 8;
const ringBytes = (slots: number) =>
  HEADER_BYTES + padded(slots * 8) * 2 + padded(slots * 16) + padded(slots) + padded(slots * CONTEXT_BYTES);

function columns(buffer: SharedArrayBuffer): Columns {
  const index = new Int32Array(buffer, 0, 3);
  const slots = index[SLOTS]!;
  let at = HEADER_BYTES;
  const take = <T>(make: (offset: number) => T, bytes: number): T => {
    const view = make(at);
    at += padded(bytes);
    return view;
  };
  return {
    slots,
    index,
    counters: take((o) => new BigUint64Array(buffer, o, slots), slots * 8),
    timesUs: take((o) => new Float64Array(buffer, o, slots), slots * 8),
    eui: take((o) => new Uint32Array(buffer, o, slots * 4), slots * 16),
    points: take((o) => new Uint8Array(buffer, o, slots), slots),
    contexts: take((o) => new Uint8Array(buffer, o, slots * CONTEXT_BYTES), slots * CONTEXT_BYTES),
  };
}

/** The shared memory for a ring of `capacity` hops (53 bytes each). */
export function createStampRingBuffer(capacity: number): SharedArrayBuffer {
  if (!(Number.isSafeInteger(capacity) && capacity >= 1 && capacity < 2 ** 30)) throw new RangeError(`ring capacity must be a positive integer below 2^30, got ${capacity}`);
  const slots = capacity + 1;
  const buffer = new SharedArrayBuffer(ringBytes(slots));
  new Int32Array(buffer, 0, 3)[SLOTS] = slots;
  return buffer;
}

const queuedIn = (c: Columns, head: number, tail: number) => (head - tail + c.slots) % c.slots;

/** Writes `text` (ASCII, at most `max` characters) with its length byte at `at`. */
function writeField(bytes: Uint8Array, at: number, text: string | undefined, max: number, name: string): void {
  if (text === undefined) {
    bytes[at] = 0;
    return;
  }
  if (text.length > max) throw new RangeError(`${name} ${JSON.stringify(text)} is longer than the ${max} characters a hop carries`);
  bytes[at] = text.length + 1;
  for (let i = 0; i < text.length; i++) bytes[at + 1 + i] = text.charCodeAt(i);
}

function readField(bytes: Uint8Array, at: number): string | undefined {
  const n = bytes[at]!;
  return n === 0 ? undefined : String.fromCharCode(...bytes.subarray(at + 1, at + n));
}

export function stampRingWriter(buffer: SharedArrayBuffer): StampRingWriter {
  const c = columns(buffer);
  const { index, counters, timesUs, eui, points, contexts, slots } = c;
  return {
    push(key, point, timeUs, context) {
      const head = index[HEAD]!;
      const next = head + 1 === slots ? 0 : head + 1;
      if (next === Atomics.load(index, TAIL)) return false;
      counters[head] = key.counter;
      timesUs[head] = timeUs;
      const e = head * 4;
      eui[e] = key.originatorHi;
      eui[e + 1] = key.originatorLo;
      eui[e + 2] = key.targetHi;
      eui[e + 3] = key.targetLo;
      points[head] = point;
      const at = head * CONTEXT_BYTES;
      writeField(contexts, at, context?.srv, SRV_CHARS, 'srv');
      writeField(contexts, at + 1 + SRV_CHARS, context?.code, CODE_CHARS, 'code');
      Atomics.store(index, HEAD, next);
      return true;
    },
    get queued() {
      return queuedIn(c, index[HEAD]!, Atomics.load(index, TAIL));
    },
    capacity: slots - 1,
  };
}

/** Contexts are few (SRVs × codes); one shared object each lets the agent check each once. Bounded: past it, one object per hop. */
const MAX_SHARED_CONTEXTS = 4096;

export function stampRingReader(buffer: SharedArrayBuffer): StampRingReader {
  const c = columns(buffer);
  const { index, counters, timesUs, eui, points, contexts, slots } = c;
  const shared = new Map<string, HopContext>();

  const contextAt = (slot: number): HopContext | undefined => {
    const at = slot * CONTEXT_BYTES;
    const srv = readField(contexts, at);
    const code = readField(contexts, at + 1 + SRV_CHARS);
    if (srv === undefined && code === undefined) return undefined;
    const id = `${srv ?? ''}|${code ?? ''}`;
    let ctx = shared.get(id);
    if (ctx === undefined) {
      ctx = Object.freeze({ ...(srv !== undefined ? { srv } : {}), ...(code !== undefined ? { code } : {}) });
      if (shared.size < MAX_SHARED_CONTEXTS) shared.set(id, ctx);
    }
    return ctx;
  };

  return {
    drain(record) {
      const head = Atomics.load(index, HEAD);
      let tail = index[TAIL]!;
      let n = 0;
      try {
        while (tail !== head) {
          const slot = tail;
          tail = tail + 1 === slots ? 0 : tail + 1;
          n++;
          const e = slot * 4;
          const key = new JourneyKey({
            originator: { hi: eui[e]!, lo: eui[e + 1]! }, target: { hi: eui[e + 2]!, lo: eui[e + 3]! }, counter: counters[slot]!,
          });
          record(key, points[slot]!, timesUs[slot]!, contextAt(slot));
        }
      } finally {
        // Past a hop whose record threw, too: it is never read again.
        Atomics.store(index, TAIL, tail);
      }
      return n;
    },
    get queued() {
      return queuedIn(c, Atomics.load(index, HEAD), index[TAIL]!);
    },
  };
}
