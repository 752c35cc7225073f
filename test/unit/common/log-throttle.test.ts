import { describe, expect, it } from 'vitest';
import { createLogThrottle } from '../../../common/log-throttle.js';

describe('log throttle', () => {
  it('allows the first line at once, then one per interval carrying the events since the last line', () => {
    let now = 0;
    const throttle = createLogThrottle(1000, () => now);
    expect(throttle.due('badMac')).toBe(1);
    now = 10;
    expect(throttle.due('badMac')).toBeUndefined();
    now = 500;
    expect(throttle.due('badMac')).toBeUndefined();
    now = 1000;
    expect(throttle.due('badMac')).toBe(3);
  });

  it('keeps reasons apart', () => {
    const throttle = createLogThrottle(1000, () => 0);
    expect(throttle.due('badMac')).toBe(1);
    expect(throttle.due('notInFlight')).toBe(1);
    expect(throttle.due('badMac')).toBeUndefined();
  });
});
