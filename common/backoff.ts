// Exponential backoff with full jitter: attempt n waits a random time in [0, min(max, base * 2^n)],
// so a fleet of agents that lost the same broker do not all come back in the same instant.

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round((options.random ?? Math.random)() * ceiling);
}
