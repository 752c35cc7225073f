// The machine's floor for the tap bench (bench/tap-latency.ts): a process doing nothing but a
// 1 ms timer, run beside the traffic over the same interval. How late its timer fires is how long
// this machine keeps a ready process off a core; no exchange's latency can be trusted below it.
//   node dist/bench/timer-probe.js <seconds> <slices>
// prints, once done, one JSON line: lateness p50, p99 and p99.9 (ms) over the whole run and p99 by slice.
import { percentile } from '../collector/metrics/stats.js';

const [seconds, slices] = process.argv.slice(2).map(Number) as [number, number];
const INTERVAL_MS = 1;
const late: number[][] = Array.from({ length: slices }, () => []);
const started = performance.now();
let due = started + INTERVAL_MS;

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

function tick(): void {
  const now = performance.now();
  const elapsed = now - started;
  if (elapsed >= seconds * 1000) {
    const all = sorted(late.flat());
    process.stdout.write(`${JSON.stringify({
      p50Ms: percentile(all, 50), p99Ms: percentile(all, 99), p999Ms: percentile(all, 99.9),
      sliceP99Ms: late.map((s) => percentile(sorted(s), 99)),
    })}\n`);
    return;
  }
  late[Math.min(slices - 1, Math.floor((elapsed / (seconds * 1000)) * slices))]!.push(Math.max(0, now - due));
  due = now + INTERVAL_MS;
  setTimeout(tick, INTERVAL_MS);
}
setTimeout(tick, INTERVAL_MS);
