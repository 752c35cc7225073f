// The shape every soak scenario shares: it runs against real processes in its own temp
// directory and returns its counts against the ground truth, and anything else it found wrong.
import type { Tally } from './tally.js';

export interface ScenarioContext {
  /** Position in the suite: names the journeys' target, so two scenarios never share a key. */
  readonly index: number;
  /** Multiplies durations and the fuzzed batches' count, not the number of kills (1: the full suite; 0.01: a quick check). */
  readonly scale: number;
  readonly dir: string;
  log(line: string): void;
}

export interface ScenarioOutcome extends Tally {
  /** What else went wrong (a crash loop, memory past its bound, a fuzzed batch stored …). */
  readonly problems: readonly string[];
  /** Figures of the scenario's own (kills, restarts, peak RSS …). */
  readonly [figure: string]: unknown;
}

export interface Scenario {
  readonly name: string;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

/** `full` scaled, never below `least`. */
export function scaled(ctx: ScenarioContext, full: number, least: number): number {
  return Math.max(least, Math.round(full * ctx.scale));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
