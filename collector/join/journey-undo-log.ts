// The journeys a tick changed, as they were before it, so that the joiner's abort() can put
// them back when the store's transaction fails. A journey is saved each time a batch row
// reaches it; restoring newest first leaves the oldest save, the state before the tick.
// Hop and code arrays are replaced on change, never written in place (journey.ts), so keeping
// the old references is the copy; numbers go to one reused Float64Array, so once the columns
// have grown to a tick's size a save allocates nothing.
import type { JourneyContext } from '../../proto/hop-context.js';
import type { Journey } from './journey.js';

/** deadlineMs, finalAtMs, pointMask, flags (persisted | dirty << 1) per saved journey. */
const NUMBERS = 4;

export class JourneyUndoLog {
  private readonly journeys: Journey[] = [];
  private readonly hops: (readonly number[])[] = [];
  private readonly codes: ((readonly (string | undefined)[]) | undefined)[] = [];
  private readonly contexts: JourneyContext[] = [];
  private numbers = new Float64Array(256 * NUMBERS);

  get size(): number {
    return this.journeys.length;
  }

  save(j: Journey): void {
    const n = this.journeys.length;
    if ((n + 1) * NUMBERS > this.numbers.length) this.grow();
    this.journeys.push(j);
    this.hops.push(j.hopArray);
    this.codes.push(j.codeArray);
    this.contexts.push(j.context);
    const at = n * NUMBERS;
    this.numbers[at] = j.deadlineMs;
    this.numbers[at + 1] = j.finalAtMs;
    this.numbers[at + 2] = j.pointMask;
    this.numbers[at + 3] = (j.persisted ? 1 : 0) | (j.dirty ? 2 : 0);
  }

  /** Every saved journey back as it was at its first save; then the log is empty. */
  restore(): void {
    for (let n = this.journeys.length - 1; n >= 0; n--) {
      const j = this.journeys[n]!;
      const at = n * NUMBERS;
      j.restoreArrays(this.hops[n]!, this.codes[n]);
      j.context = this.contexts[n]!;
      j.deadlineMs = this.numbers[at]!;
      j.finalAtMs = this.numbers[at + 1]!;
      j.pointMask = this.numbers[at + 2]!;
      const flags = this.numbers[at + 3]!;
      j.persisted = (flags & 1) !== 0;
      j.dirty = (flags & 2) !== 0;
    }
    this.clear();
  }

  clear(): void {
    this.journeys.length = 0;
    this.hops.length = 0;
    this.codes.length = 0;
    this.contexts.length = 0;
  }

  private grow(): void {
    const bigger = new Float64Array(this.numbers.length * 2);
    bigger.set(this.numbers);
    this.numbers = bigger;
  }
}
