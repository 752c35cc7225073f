// Logs about input others control (forged acks, forged time answers, rejected batches) must not flood the log:
// at most one line per reason and interval, carrying how many were suppressed before it.

export interface LogThrottle {
  /** The number of events of `reason` since the last line when a line is due now, else undefined. */
  due(reason: string): number | undefined;
}

export function createLogThrottle(intervalMs: number, nowMs: () => number = Date.now): LogThrottle {
  const last = new Map<string, { atMs: number; pending: number }>();
  return {
    due(reason) {
      const now = nowMs();
      const entry = last.get(reason);
      if (entry === undefined) {
        last.set(reason, { atMs: now, pending: 0 });
        return 1;
      }
      entry.pending++;
      if (now - entry.atMs < intervalMs) return undefined;
      const count = entry.pending;
      entry.atMs = now;
      entry.pending = 0;
      return count;
    },
  };
}
