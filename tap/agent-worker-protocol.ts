// The messages between the tap's proxy thread and its agent's worker thread (hops go through the
// stamp ring instead, see tap/stamp-ring.ts).

export type ToAgentWorker =
  /** The tap's counters, for the status the worker's intake serves. */
  | { readonly kind: 'counters'; readonly tap: unknown }
  | { readonly kind: 'call'; readonly id: number; readonly op: 'status' | 'close' }
  | { readonly kind: 'call'; readonly id: number; readonly op: 'drained'; readonly timeoutMs: number };

export type FromAgentWorker =
  | { readonly kind: 'ready'; readonly httpPort?: number; readonly udpPort?: number }
  /** The agent or its intake could not start; `code` is the error's own (HW_AGENT_CONFIG, EADDRINUSE …). */
  | { readonly kind: 'failed'; readonly message: string; readonly code?: string }
  | { readonly kind: 'reply'; readonly id: number; readonly value?: unknown; readonly error?: string };
