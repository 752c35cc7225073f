// The clock of one simulated agent: true time bent by a fixed offset and a constant drift
// (the agent's monotonic timeline, which its stamps carry), and a wall clock that also
// takes the steps (an NTP step, someone setting the rig's clock by hand). The real agent
// reads both through the Clock interface, so its stamps carry exactly the errors the
// collector's clock work has to find and its step detector sees the steps; readAt() lets
// tests and the ground truth compute the same reading for any true time.
import type { Clock } from '../common/clock.js';

export interface ClockStep {
  /** True time of the step; readings at or after it include it. */
  readonly atTrueUs: number;
  /** How far the clock jumps (negative: backwards). */
  readonly stepUs: number;
  /**
   * The agent's timeline (its stamps) jumps too, as when an agent is restarted after its
   * host's clock was reset; otherwise only the wall clock steps, which a running agent ignores.
   */
  readonly timeline?: boolean;
}

export interface AgentClockSpec {
  /** Reading minus true time at `startUs`, before drift and steps. */
  readonly offsetUs: number;
  /** Parts per million the clock runs fast (positive) or slow (negative). */
  readonly driftPpm: number;
  readonly steps: readonly ClockStep[];
}

export interface AgentClockOptions extends Partial<AgentClockSpec> {
  /** True time from which drift accumulates. */
  readonly startUs: number;
  /** The current true time (the scheduler's nowUs). */
  readonly trueNowUs: () => number;
}

export interface SimulatedClock extends Clock {
  /** What the agent's timeline (its stamps) reads at true time `trueUs`. */
  readAt(trueUs: number): number;
  /** What its wall clock (steps included) reads at true time `trueUs`. */
  wallAt(trueUs: number): number;
  readonly spec: AgentClockSpec;
}

export function createAgentClock(options: AgentClockOptions): SimulatedClock {
  const { startUs, trueNowUs } = options;
  const offsetUs = options.offsetUs ?? 0;
  const driftPpm = options.driftPpm ?? 0;
  for (const [name, v] of [['startUs', startUs], ['offsetUs', offsetUs], ['driftPpm', driftPpm]] as const) {
    if (!Number.isFinite(v)) throw new RangeError(`clock ${name} must be a finite number, got ${v}`);
  }
  const steps = [...(options.steps ?? [])].sort((a, b) => a.atTrueUs - b.atTrueUs);
  for (const s of steps) {
    if (!Number.isFinite(s.atTrueUs) || !Number.isFinite(s.stepUs)) throw new RangeError(`clock step must have finite atTrueUs and stepUs, got ${JSON.stringify(s)}`);
  }

  /** The steps taken by true time `trueUs`: all of them, or the timeline's only. Steps are few (usually none), so a scan beats anything cleverer. */
  const stepped = (trueUs: number, timelineOnly: boolean): number => {
    let sum = 0;
    for (const s of steps) {
      if (s.atTrueUs > trueUs) break;
      if (!timelineOnly || s.timeline) sum += s.stepUs;
    }
    return sum;
  };
  const steady = (trueUs: number): number => trueUs + offsetUs + (driftPpm * (trueUs - startUs)) / 1e6;
  const readAt = (trueUs: number): number => steady(trueUs) + stepped(trueUs, true);
  const wallAt = (trueUs: number): number => steady(trueUs) + stepped(trueUs, false);

  return {
    nowUs: () => readAt(trueNowUs()),
    wallNowUs: () => wallAt(trueNowUs()),
    readAt,
    wallAt,
    spec: Object.freeze({ offsetUs, driftPpm, steps: Object.freeze(steps) }),
  };
}
