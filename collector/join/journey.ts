// One open journey: the hops seen so far for a correlation key, and what is known of it.
// Hops are kept in small parallel arrays (a journey has at most a dozen points).
import type { JourneyContext } from '../../proto/hop-context.js';
import { EMPTY_CONTEXT } from '../../proto/hop-context.js';
import type { JoinKey } from './join-key.js';

export type AddHopResult = 'added' | 'duplicate' | 'conflict';

export class Journey {
  readonly points: number[] = [];
  readonly agents: number[] = [];
  readonly times: number[] = [];
  codes: (string | undefined)[] | undefined;
  context: JourneyContext = EMPTY_CONTEXT;
  /** Collector time the final point arrived (NaN until then). */
  finalAtMs = Number.NaN;
  /** Written to the open_journeys table, and changed since (see checkpoint). */
  persisted = false;
  dirty = false;

  constructor(
    readonly key: JoinKey,
    /** Collector time the first hop arrived. */
    readonly openedAtMs: number,
    /** Log position of the batch holding the first hop (replay starts there). */
    readonly firstBatchId: number,
    public deadlineMs: number,
  ) {}

  indexOf(point: number): number {
    return this.points.indexOf(point);
  }

  timeOf(point: number): number | undefined {
    const i = this.points.indexOf(point);
    return i < 0 ? undefined : this.times[i];
  }

  codeOf(point: number): string | undefined {
    const i = this.points.indexOf(point);
    return i < 0 ? undefined : this.codes?.[i];
  }

  /**
   * Adds a hop. A second stamp of the same point keeps the earlier time, so the result
   * does not depend on the order hops arrive in; an exact repeat is a duplicate.
   */
  addHop(point: number, agent: number, timeUs: number, code: string | undefined): AddHopResult {
    const i = this.points.indexOf(point);
    if (i < 0) {
      this.points.push(point);
      this.agents.push(agent);
      this.times.push(timeUs);
      if (code !== undefined) (this.codes ??= [])[this.points.length - 1] = code;
      this.dirty = true;
      return 'added';
    }
    if (this.times[i] === timeUs && this.agents[i] === agent) {
      if (code !== undefined && this.codes?.[i] === undefined) (this.codes ??= [])[i] = code;
      return 'duplicate';
    }
    if (timeUs < this.times[i]!) {
      this.times[i] = timeUs;
      this.agents[i] = agent;
      if (code !== undefined) (this.codes ??= [])[i] = code;
      this.dirty = true;
    }
    return 'conflict';
  }
}
