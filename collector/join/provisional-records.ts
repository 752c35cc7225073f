// Records written while an agent's clock model was still young. A record's times are mapped
// with the model as known when it is written; in an agent's first minutes its drift is not
// yet measured (collector/clock/drift-estimate.ts applies none of it until the exchanges say
// it), so a same-agent figure may be off by the drift times its length, within its bound.
// Such a record is noted here and, once the model knows the rate at least twice as well as
// when the record was mapped, mapped again and written as an amendment: the stored figures
// become as exact as the clocks allow, without holding back the first answer.
//
// A FIFO queue: every entry waits the same recheck interval, so due entries are at its front.
// Bounded; when full, records are not noted (drop and count). Only what the joiner has
// committed stays: abort() forgets the tick's additions and puts back what it took.
import type { JoinKey } from './join-key.js';
import type { JourneyHops } from './journey-record.js';

/** A rate known within this (1 ppm: 30 µs on a 30 s figure, 5.6 ms on a 5,600 s one) is settled. */
export const SETTLED_RATE_UNCERTAINTY = 1e-6;
/** How long a noted record waits before its mapping is looked at again. */
export const RECHECK_MS = 5 * 60_000;
/** After this, a record keeps the mapping it has (the model of an agent that never settles). */
export const GIVE_UP_AFTER_MS = 4 * 3_600_000;
/** Records noted at most (one entry each, a few dozen bytes). */
export const MAX_PROVISIONAL = 100_000;

export interface ProvisionalRecord {
  readonly key: JoinKey;
  /**
   * The hop mapped with the worst rate uncertainty, as stamped, and that uncertainty: the
   * recheck asks only that agent's model (no store read until it knows the rate twice as
   * well), and the hop tells the record apart from other uses of its key.
   */
  readonly agentId: string;
  readonly timeUs: number;
  readonly rateUncertainty: number;
  readonly dueMs: number;
  /** When the record was first noted, plus GIVE_UP_AFTER_MS. */
  readonly untilMs: number;
}

/** The hop mapped with the worst rate uncertainty (Infinity for an unmapped one); -1 for no hops. */
export function worstMappedHop(hops: JourneyHops): number {
  let worst = -1;
  let worstRate = -1;
  for (let i = 0; i < hops.points.length; i++) {
    const rate = hops.mapped?.rateUncertainty[i] ?? Infinity;
    if (rate > worstRate) [worst, worstRate] = [i, rate];
  }
  return worst;
}

export class ProvisionalRecords {
  private entries: ProvisionalRecord[] = [];
  private head = 0;
  private committedHead = 0;
  private committedLength = 0;

  constructor(private readonly capacity: number = MAX_PROVISIONAL) {}

  get size(): number {
    return this.entries.length - this.head;
  }

  /** false when the queue is full (the record keeps its mapping). */
  note(entry: ProvisionalRecord): boolean {
    if (this.size >= this.capacity) return false;
    this.entries.push(entry);
    return true;
  }

  /** The next entry due at `nowMs`, taken off the queue; undefined when none is. */
  takeDue(nowMs: number): ProvisionalRecord | undefined {
    const e = this.entries[this.head];
    if (e === undefined || e.dueMs > nowMs) return undefined;
    this.head++;
    return e;
  }

  commit(): void {
    // Taken entries are dropped in bulk once they are half the array: amortised O(1).
    if (this.head > this.entries.length / 2) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    this.committedHead = this.head;
    this.committedLength = this.entries.length;
  }

  abort(): void {
    this.entries.length = this.committedLength;
    this.head = this.committedHead;
  }
}
