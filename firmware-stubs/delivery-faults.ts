// How each hop reaches its agent's buffer: on time, reordered (held back a little, so later
// hops overtake it), late (held back for minutes), and perhaps twice. The hop's time never
// changes: it is read from the agent's clock at the moment the hop happened, as an agent
// that batches, retries or replays a log would report it. Only the delivery is disturbed.
import type { Random } from './random.js';

/** Delivery faults for clock-fidelity work: the hop's time is right, its delivery is not. */
export interface DeliveryFaults {
  /** Share of hops recorded a second time with the same time. */
  readonly duplicateRate: number;
  /** Share of hops recorded (with their original agent-clock time) a uniform (0, reorderMaxMs] of true time after they happened. */
  readonly reorderRate: number;
  readonly reorderMaxMs: number;
  /** Share of hops recorded (with their original agent-clock time) a uniform (0, lateMaxMs] of true time after they happened. */
  readonly lateRate: number;
  readonly lateMaxMs: number;
}

export type DeliveryKind = 'on-time' | 'reordered' | 'late';

export interface Delivery {
  readonly kind: DeliveryKind;
  /** True time from the hop to its delivery, whole microseconds (0 when on time). */
  readonly delayUs: number;
  /** Recorded a second time, with the same time, when it is delivered. */
  readonly duplicate: boolean;
}

const ON_TIME: Delivery = Object.freeze({ kind: 'on-time', delayUs: 0, duplicate: false });
const ON_TIME_TWICE: Delivery = Object.freeze({ kind: 'on-time', delayUs: 0, duplicate: true });

/**
 * One draw per hop. Reordered and late are exclusive (one uniform draw picks at most one),
 * so their rates are exact shares of all hops and must add up to at most 1; a duplicate is
 * drawn on its own and can hit a hop delivered in any way.
 */
export function createDeliveryFaults(faults: DeliveryFaults, random: Random): () => Delivery {
  const { duplicateRate, reorderRate, reorderMaxMs, lateRate, lateMaxMs } = faults;
  const delayed = reorderRate + lateRate > 0;
  // (0, max]: 1 - next() is in (0, 1], and at least one microsecond.
  const delayUs = (maxMs: number) => Math.max(1, Math.round(maxMs * 1000 * (1 - random.next())));
  return () => {
    let kind: DeliveryKind = 'on-time';
    let delay = 0;
    if (delayed) {
      const u = random.next();
      if (u < lateRate) {
        kind = 'late';
        delay = delayUs(lateMaxMs);
      } else if (u < lateRate + reorderRate) {
        kind = 'reordered';
        delay = delayUs(reorderMaxMs);
      }
    }
    const duplicate = duplicateRate > 0 && random.chance(duplicateRate);
    if (kind === 'on-time') return duplicate ? ON_TIME_TWICE : ON_TIME;
    return { kind, delayUs: delay, duplicate };
  };
}
