import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../firmware-stubs/delivery-faults.js';
import { createDeliveryFaults } from '../../../firmware-stubs/delivery-faults.js';
import { createRandom } from '../../../firmware-stubs/random.js';

const none = { duplicateRate: 0, reorderRate: 0, reorderMaxMs: 0, lateRate: 0, lateMaxMs: 0 };
const N = 50_000;

function draws(faults: Partial<typeof none>, seed = 3): Delivery[] {
  const next = createDeliveryFaults({ ...none, ...faults }, createRandom(seed));
  return Array.from({ length: N }, () => next());
}

describe('delivery faults', () => {
  it('delivers every hop on time, once, when no fault is set', () => {
    expect(draws({}).every((d) => d.kind === 'on-time' && d.delayUs === 0 && !d.duplicate)).toBe(true);
  });

  it('holds back the configured shares of hops, reordered and late apart', () => {
    const d = draws({ reorderRate: 0.2, reorderMaxMs: 5000, lateRate: 0.01, lateMaxMs: 600_000 });
    const share = (kind: Delivery['kind']) => d.filter((x) => x.kind === kind).length / N;
    expect(share('reordered')).toBeCloseTo(0.2, 2);
    expect(share('late')).toBeCloseTo(0.01, 2);
    expect(share('on-time')).toBeCloseTo(0.79, 2);
  });

  it('draws each hold-back uniformly in (0, max], in whole microseconds', () => {
    const d = draws({ reorderRate: 0.5, reorderMaxMs: 5000, lateRate: 0.5, lateMaxMs: 600_000 });
    const reordered = d.filter((x) => x.kind === 'reordered').map((x) => x.delayUs);
    const late = d.filter((x) => x.kind === 'late').map((x) => x.delayUs);
    for (const [delays, maxUs] of [[reordered, 5e6], [late, 600e6]] as const) {
      expect(delays.every((us) => Number.isInteger(us) && us > 0 && us <= maxUs)).toBe(true);
      expect(delays.reduce((a, b) => a + b, 0) / delays.length / maxUs).toBeCloseTo(0.5, 1);
    }
  });

  it('duplicates hops whatever their delivery', () => {
    const d = draws({ duplicateRate: 0.05, reorderRate: 0.2, reorderMaxMs: 100 });
    expect(d.filter((x) => x.duplicate).length / N).toBeCloseTo(0.05, 2);
    expect(d.some((x) => x.duplicate && x.kind === 'reordered')).toBe(true);
  });

  it('draws the same deliveries from the same seed', () => {
    const faults = { duplicateRate: 0.05, reorderRate: 0.2, reorderMaxMs: 5000, lateRate: 0.01, lateMaxMs: 600_000 };
    expect(draws(faults, 9).slice(0, 500)).toEqual(draws(faults, 9).slice(0, 500));
  });
});
