// Lowers the scheduling priority of the calling thread alone (not its process): on Linux a
// thread's id, read from /proc/thread-self, is a valid target for setpriority(2), and a nice value
// set that way is the thread's own. The tap's agent worker calls it so that, on a machine with no
// core to spare, its bursts (encoding a batch, a commit) give way to the proxy thread forwarding
// traffic instead of taking a core from it. Anywhere else (no /proc, a refused call) it does nothing.
import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** Sets this thread's nice value to `nice` (higher: less CPU when others want it); returns the value now in force, or undefined where it cannot be done. */
export function lowerThreadPriority(nice: number): number | undefined {
  try {
    // "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(tid) || tid <= 0) return undefined;
    os.setPriority(tid, Math.max(os.getPriority(tid), nice));
    return os.getPriority(tid);
  } catch {
    return undefined;
  }
}
