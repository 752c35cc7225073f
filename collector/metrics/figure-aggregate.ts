// The aggregate of one time figure (RTT, DCC time or alert delivery time) over many records:
// count and exact sum, and either every value (exact medians and percentiles; the default) or
// a DDSketch quantile sketch (1 % relative error; metrics.exactValues off). Values are stored
// sorted and fixed-width, so that reading them is one native copy per entry, and kept as the
// sorted runs they were read in: percentiles over a few runs need no pass over the values, and
// runs merge in linear time when a day is compacted. A retraction removes one equal value; one
// with nothing to remove here is kept (it may meet its value when rows merge), so counts are signed.
import type { ByteReader, ByteWriter } from './byte-codec.js';
import { addToSketch, sketchKey, sketchSummary, type Sketch } from './sketch.js';
import { exactSummary, runsSummary, type Summary } from './stats.js';

export interface AggregateParts {
  readonly sketch: boolean;
  readonly values: boolean;
}

let scratch = new ArrayBuffer(1 << 16);
const MAX_RUNS_TO_SEARCH = 256;

export class FigureAggregate {
  n = 0;
  sum = 0;
  /** Allocated on first use: most hourly entries hold one or two records. */
  sketch: Sketch | undefined;
  /** Values added one by one (a plain array: cheap for the many small entries). */
  private small: number[] | undefined;
  /** Sorted runs of values read from stored rows. */
  private runs: Float64Array[] | undefined;
  /** Values retracted and not yet matched with a value to remove. */
  private removed: number[] | undefined;

  constructor(private readonly parts: AggregateParts) {}

  add(v: number, sign: number): void {
    this.n += sign;
    this.sum += sign * v;
    if (this.parts.sketch) addToSketch((this.sketch ??= new Map()), sketchKey(v), sign);
    if (!this.parts.values) return;
    if (sign > 0) (this.small ??= []).push(v);
    else (this.removed ??= []).push(v);
  }

  /** The values as sorted runs (the ones added one by one sorted into a run of their own). */
  private sortedRuns(): Float64Array[] {
    const runs = this.runs ?? [];
    if (this.small) {
      runs.push(Float64Array.from(this.small).sort());
      this.small = undefined;
    }
    return (this.runs = runs);
  }

  /** Every value in one sorted array, retractions applied (kept as the only run). */
  settle(): Float64Array {
    const runs = this.sortedRuns();
    let all = runs.length === 1 ? runs[0]! : mergeRuns(runs);
    if (this.removed) {
      const { kept, unmatched } = withoutRetracted(all, this.removed);
      all = kept;
      this.removed = unmatched.length > 0 ? unmatched : undefined;
    }
    this.runs = [all];
    return all;
  }

  summary(): Summary {
    if (!this.parts.values) return sketchSummary(this.sketch ?? new Map(), this.sum);
    if (this.removed) this.settle();
    const runs = this.sortedRuns().filter((r) => r.length > 0);
    // A few sorted runs (an SRV's day is one): ranks by binary search, no pass over the values.
    if (runs.length <= MAX_RUNS_TO_SEARCH) return runsSummary(runs, this.sum);
    const all = concat(runs);
    return exactSummary(all, all.length, this.sum);
  }

  /** Nothing counted, nothing pending. */
  get isEmpty(): boolean {
    return this.n === 0 && this.sum === 0 && !this.small && !this.runs?.some((r) => r.length > 0) && !this.removed && (this.sketch?.size ?? 0) === 0;
  }

  encode(w: ByteWriter): void {
    w.int(this.n);
    w.int(this.sum);
    let section = w.beginSection();
    if (this.sketch) {
      const keys = [...this.sketch.keys()].sort((a, b) => a - b);
      w.uint(keys.length);
      let last = 0;
      for (const k of keys) {
        w.int(k - last);
        w.int(this.sketch.get(k)!);
        last = k;
      }
    }
    w.endSection(section);
    section = w.beginSection();
    if (this.parts.values) {
      // Most hourly entries hold a few values added one by one: sorted where they are.
      const sorted: ArrayLike<number> = !this.runs && !this.removed ? (this.small ?? []).sort((a, b) => a - b) : this.settle();
      // Fixed width, so a query copies an entry's values in one go: 4 bytes while every value
      // is a whole number of microseconds under 2^32 (71 minutes), else 8.
      const narrow = sorted.length === 0 || (sorted[0]! >= 0 && sorted[sorted.length - 1]! < 2 ** 32);
      w.uint(sorted.length);
      w.uint(narrow ? 4 : 8);
      if (sorted.length > 16) {
        const raw = narrow ? new Uint32Array(sorted) : Float64Array.from(sorted);
        w.raw(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      } else {
        for (let i = 0; i < sorted.length; i++) {
          if (narrow) w.u32(sorted[i]!);
          else w.f64(sorted[i]!);
        }
      }
      w.uint(this.removed?.length ?? 0);
      for (const v of this.removed ?? []) w.f64(v);
    }
    w.endSection(section);
  }

  /** Adds an encoded figure; skips the sections this aggregate does not keep. */
  merge(r: ByteReader): void {
    this.n += r.int();
    this.sum += r.int();
    const sketchBytes = r.u32();
    if (this.parts.sketch && sketchBytes > 0) {
      const sketch = (this.sketch ??= new Map());
      const k = r.uint();
      let key = 0;
      for (let i = 0; i < k; i++) {
        key += r.int();
        addToSketch(sketch, key, r.int());
      }
    } else r.skip(sketchBytes);
    const valueBytes = r.u32();
    if (this.parts.values && valueBytes > 0) {
      const count = r.uint();
      const width = r.uint();
      // A copy, in one native step (the aligned view is reused).
      if (count > 16) (this.runs ??= []).push(new Float64Array(aligned(r.take(count * width), count, width)));
      else {
        const small = (this.small ??= []);
        for (let i = 0; i < count; i++) small.push(width === 4 ? r.u32() : r.f64());
      }
      const removed = r.uint();
      if (removed > 0) {
        const pending = (this.removed ??= []);
        for (let i = 0; i < removed; i++) pending.push(r.f64());
      }
    } else r.skip(valueBytes);
  }
}

/** `all` less one equal value per retraction, and the retractions that found no value. */
function withoutRetracted(all: Float64Array, removed: readonly number[]): { kept: Float64Array; unmatched: number[] } {
  const pending = new Map<number, number>();
  for (const v of removed) pending.set(v, (pending.get(v) ?? 0) + 1);
  const kept = all.filter((v) => {
    const c = pending.get(v);
    if (c) pending.set(v, c - 1);
    return !c;
  });
  return { kept, unmatched: [...pending].flatMap(([v, c]) => Array<number>(c).fill(v)) };
}

/**
 * `count` values stored `width` bytes each, little-endian (as typed arrays are on every host
 * Node runs on), viewed in bulk: SQLite's buffer is not aligned for a typed-array view, so the
 * bytes are copied once into an aligned scratch buffer, valid until the next call.
 */
function aligned(bytes: Uint8Array, count: number, width: number): Uint32Array | Float64Array {
  if (scratch.byteLength < bytes.length) scratch = new ArrayBuffer(Math.max(bytes.length, scratch.byteLength * 2));
  new Uint8Array(scratch).set(bytes);
  return width === 4 ? new Uint32Array(scratch, 0, count) : new Float64Array(scratch, 0, count);
}

/** One sorted array from sorted runs, merged pairwise (O(n log runs)). */
function mergeRuns(runs: readonly Float64Array[]): Float64Array {
  let level = runs.filter((r) => r.length > 0);
  if (level.length === 0) return new Float64Array(0);
  while (level.length > 1) {
    const next: Float64Array[] = [];
    for (let r = 0; r < level.length; r += 2) next.push(r + 1 < level.length ? mergeTwo(level[r]!, level[r + 1]!) : level[r]!);
    level = next;
  }
  return level[0]!;
}

function mergeTwo(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

function concat(runs: readonly Float64Array[]): Float64Array {
  const all = new Float64Array(runs.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of runs) {
    all.set(r, at);
    at += r.length;
  }
  return all;
}

