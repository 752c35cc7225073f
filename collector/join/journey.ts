// One open journey: the hops seen so far for a correlation key, and what is known of it.
// A million of these may be open (the 24-hour class), so a hop is two numbers in one flat
// array, [point | agent << 5, time, ...], and the points seen are a bit mask.
// What a hop already stored has is never written in place (the hop array is replaced, and a
// code array too when one of its codes changes): the joiner's undo log (journey-undo-log.ts)
// keeps the old references as its copy of a tick's journeys.
import type { JourneyContext } from '../../proto/hop-context.js';
import { EMPTY_CONTEXT } from '../../proto/hop-context.js';
import type { JoinKey } from './join-key.js';

export type AddHopResult = 'added' | 'duplicate' | 'conflict';

const POINT_BITS = 5;
const POINT_MASK = (1 << POINT_BITS) - 1;

export class Journey {
  private hops: readonly number[] = [];
  private codes: (string | undefined)[] | undefined;
  /** Bit p set: point p has a hop. */
  pointMask = 0;
  context: JourneyContext = EMPTY_CONTEXT;
  /** Collector time the final point arrived (NaN until then). */
  finalAtMs = Number.NaN;
  /** Written to the open_journeys table, and changed since (see checkpoint). */
  persisted = false;
  dirty = false;
  /** The key's partition (proto/partition.ts), worked out by the joiner when first needed; -1 until then. */
  partition = -1;

  constructor(
    readonly key: JoinKey,
    /** Collector time the first hop arrived. */
    readonly openedAtMs: number,
    /** Log position of the batch holding the first hop (replay starts there). */
    readonly firstBatchId: number,
    public deadlineMs: number,
  ) {}

  get count(): number {
    return this.hops.length >> 1;
  }

  pointAt(i: number): number {
    return this.hops[2 * i]! & POINT_MASK;
  }

  agentAt(i: number): number {
    return this.hops[2 * i]! >>> POINT_BITS;
  }

  timeAt(i: number): number {
    return this.hops[2 * i + 1]!;
  }

  codeAt(i: number): string | undefined {
    return this.codes?.[i];
  }

  has(point: number): boolean {
    return (this.pointMask & (1 << point)) !== 0;
  }

  /** The index of the point's hop (the point must be there). */
  indexOf(point: number): number {
    let i = 0;
    while (this.pointAt(i) !== point) i++;
    return i;
  }

  /**
   * Adds a hop. A second stamp of the same point keeps the earlier time, so the result
   * does not depend on the order hops arrive in; an exact repeat is a duplicate.
   */
  addHop(point: number, agent: number, timeUs: number, code: string | undefined): AddHopResult {
    const tag = point | (agent << POINT_BITS);
    if (!this.has(point)) {
      // An exact-size copy, not push: push leaves room for 16 more numbers, and a journey of
      // the 24-hour class may wait a day with one or two hops.
      this.hops = this.hops.concat(tag, timeUs);
      this.pointMask |= 1 << point;
      // In place: the index is new, so a journey put back to fewer hops never reads it.
      if (code !== undefined) (this.codes ??= [])[this.count - 1] = code;
      else if (this.codes !== undefined) this.codes[this.count - 1] = undefined;
      this.dirty = true;
      return 'added';
    }
    const i = this.indexOf(point);
    if (this.hops[2 * i] === tag && this.hops[2 * i + 1] === timeUs) {
      if (code !== undefined && this.codes?.[i] === undefined) this.setCode(i, code);
      return 'duplicate';
    }
    if (timeUs < this.hops[2 * i + 1]!) {
      const hops = this.hops.slice();
      hops[2 * i] = tag;
      hops[2 * i + 1] = timeUs;
      this.hops = hops;
      if (code !== undefined) this.setCode(i, code);
      this.dirty = true;
    }
    return 'conflict';
  }

  /** The hop and code arrays as they are now (for the undo log). */
  get hopArray(): readonly number[] {
    return this.hops;
  }

  get codeArray(): readonly (string | undefined)[] | undefined {
    return this.codes;
  }

  /** Puts back arrays taken from hopArray and codeArray (the undo log's abort). */
  restoreArrays(hops: readonly number[], codes: readonly (string | undefined)[] | undefined): void {
    this.hops = hops;
    this.codes = codes as (string | undefined)[] | undefined;
  }

  /** A code of a hop already there: a new array, the old one may be in the undo log. */
  private setCode(i: number, code: string): void {
    const codes = this.codes ? this.codes.slice() : [];
    codes[i] = code;
    this.codes = codes;
  }
}
