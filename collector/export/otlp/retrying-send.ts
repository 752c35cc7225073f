// Sends one request again while the outcome is retryable: exponential backoff, half of each
// delay random (so that collectors restarted together do not retry in step), a server's
// Retry-After taken when it asks for longer, and a bounded number of attempts.
import type { SendOutcome, Transport } from './http-transport.js';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 1000, maxBackoffMs: 5000 };

export interface RetryHooks {
  /** Uniform in [0, 1): the jitter. */
  readonly random: () => number;
  /** Waits `ms`, or less when the exporter is closing (then `giveUp` says true). */
  readonly sleep: (ms: number) => Promise<void>;
  readonly giveUp: () => boolean;
  readonly onRetry: (attempt: number, reason: string, delayMs: number) => void;
}

/** The delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  const jittered = ceiling / 2 + (ceiling / 2) * random;
  return retryAfterMs === undefined ? jittered : Math.min(policy.maxBackoffMs, Math.max(jittered, retryAfterMs));
}

export async function sendWithRetry(transport: Transport, body: Uint8Array, policy: RetryPolicy, hooks: RetryHooks): Promise<SendOutcome> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await transport.send(body);
    if (outcome.status !== 'retryable') return outcome;
    if (attempt >= policy.maxAttempts || hooks.giveUp()) return { status: 'failure', reason: `${outcome.reason} (after ${attempt} attempts)` };
    const delay = backoffMs(policy, attempt, hooks.random(), outcome.retryAfterMs);
    hooks.onRetry(attempt, outcome.reason, delay);
    await hooks.sleep(delay);
    if (hooks.giveUp()) return { status: 'failure', reason: `${outcome.reason} (closing after ${attempt} attempts)` };
  }
}
