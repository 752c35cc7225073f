import { describe, expect, it } from 'vitest';
import { decideDrift } from '../../../collector/clock/drift-estimate.js';

const ppm = 1e-6;
const limits = { prior: 100 * ppm, physical: 1000 * ppm, floor: 0.1 * ppm };

describe('drift decision', () => {
  it('applies nothing while the interval holds zero, and bounds the rate by its far end', () => {
    const d = decideDrift(4 * ppm, 9 * ppm, limits);
    expect(Math.abs(d.applied)).toBe(0);
    expect(d.uncertainty).toBeCloseTo(13 * ppm, 12);
    expect(d.beyondLimit).toBe(false);
  });

  it('shrinks a drift in proportion to how poorly it is known, and bounds what is left by the interval', () => {
    const clear = decideDrift(-60 * ppm, 2 * ppm, limits);
    expect(clear.applied).toBeCloseTo(-60 * (1 - 1 / 900) * ppm, 12);
    expect(clear.uncertainty).toBeCloseTo((2 + 60 / 900) * ppm, 12);
    const faint = decideDrift(12 * ppm, 10 * ppm, limits);
    expect(faint.applied).toBeCloseTo(12 * (1 - 100 / 144) * ppm, 12);
    expect(faint.uncertainty).toBeCloseTo((22 - 12 * (1 - 100 / 144)) * ppm, 12);
  });

  it('rests on the prior while the exchanges know less than it and do not contradict it', () => {
    const d = decideDrift(50 * ppm, 300 * ppm, limits);
    expect(Math.abs(d.applied)).toBe(0);
    expect(d.uncertainty).toBeCloseTo(100 * ppm, 12);
  });

  it('drops the prior once the exchanges put the rate outside it', () => {
    const d = decideDrift(500 * ppm, 300 * ppm, limits);
    expect(d.applied).toBeCloseTo(320 * ppm, 12);
    expect(d.uncertainty).toBeCloseTo(480 * ppm, 12);
  });

  it('never clips a measured drift to the prior', () => {
    const d = decideDrift(-200 * ppm, 5 * ppm, limits);
    expect(d.applied).toBeCloseTo(-199.875 * ppm, 12);
    expect(d.uncertainty).toBeCloseTo(5.125 * ppm, 12);
    expect(d.beyondLimit).toBe(false);
  });

  it('applies no more than the physical limit beyond it, flags it, and bounds the whole interval', () => {
    const d = decideDrift(-1500 * ppm, 10 * ppm, limits);
    expect(d.applied).toBeCloseTo(-1000 * ppm, 12);
    expect(d.uncertainty).toBeCloseTo(510 * ppm, 12);
    expect(d.beyondLimit).toBe(true);
  });

  it('widens the bound of a fit beyond the limit whose interval reaches back inside it, without flagging it', () => {
    // What a few noisy exchanges under load can say: 3,839 ppm give or take 19,470.
    const d = decideDrift(3839 * ppm, 19_470 * ppm, limits);
    expect(d.beyondLimit).toBe(false);
    expect(d.applied).toBe(0);
    expect(d.uncertainty).toBeCloseTo(23_309 * ppm, 9);
  });

  it('never claims less than the floor', () => {
    expect(decideDrift(0, 0.01 * ppm, limits).uncertainty).toBe(0.1 * ppm);
  });
});
