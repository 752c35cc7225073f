// Notices when the system wall clock jumps (NTP stepping it, someone setting it by hand).
// Stamps never follow the wall clock, so a step cannot corrupt them; the detector only
// reports it, because it also means the collector's view of this agent's clock may need
// a new segment, and a person may want to know.
import type { Clock } from '../common/clock.js';

export interface WallStepDetector {
  readonly steps: number;
  /** Size of the last step (wall minus agent timeline change), microseconds. */
  readonly lastStepUs: number;
  /** Checks now (also done every intervalMs). */
  check(): void;
  stop(): void;
}

export function createWallStepDetector(clock: Clock, options: { intervalMs: number; thresholdUs: number; onStep?: (stepUs: number) => void }): WallStepDetector {
  let baseline = clock.wallNowUs() - clock.nowUs();
  let steps = 0;
  let lastStepUs = 0;
  const check = () => {
    const gap = clock.wallNowUs() - clock.nowUs();
    // Date.now() has millisecond resolution and slews slowly; only a jump beyond the
    // threshold between two checks is a step.
    if (Math.abs(gap - baseline) > options.thresholdUs) {
      steps++;
      lastStepUs = gap - baseline;
      options.onStep?.(lastStepUs);
    }
    baseline = gap;
  };
  const timer = setInterval(check, options.intervalMs);
  timer.unref();
  return {
    get steps() {
      return steps;
    },
    get lastStepUs() {
      return lastStepUs;
    },
    check,
    stop: () => clearInterval(timer),
  };
}
