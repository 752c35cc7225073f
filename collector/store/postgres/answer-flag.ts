// How the calling thread waits for the connection thread's answer. The connection thread posts
// its answer, then sets the flag to 1 and notifies. A wake-up alone proves nothing: the notify
// of an earlier answer can come late, after that answer was taken and the next statement sent
// (a thread paused between setting and notifying, on a busy machine), so the flag decides.

/** Waits until `flag[0]` is no longer 0, at most `timeoutMs`: whether it was raised in time. */
export function waitForFlag(flag: Int32Array, timeoutMs: number): boolean {
  const deadline = performance.now() + timeoutMs;
  while (Atomics.load(flag, 0) === 0) {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(flag, 0, 0, left);
  }
  return true;
}
