import { describe, expect, it } from 'vitest';
import { BloomFilter, RotatingKeyFilter } from '../../collector/join/key-filter.js';
import { JoinKey } from '../../collector/join/join-key.js';
import { keyText } from '../helpers/batches.js';

const key = (counter: number) => JoinKey.parse(keyText(counter))!;

describe('key filter', () => {
  it('finds every key it was given and few it was not', () => {
    const bloom = new BloomFilter(20_000);
    for (let i = 0; i < 20_000; i++) bloom.add(key(1_660_751_141_087 + i));
    let missing = 0;
    for (let i = 0; i < 20_000; i++) if (!bloom.has(key(1_660_751_141_087 + i))) missing++;
    let falsePositives = 0;
    for (let i = 0; i < 20_000; i++) if (bloom.has(key(1_760_751_141_087 + i))) falsePositives++;
    expect(missing).toBe(0);
    expect(falsePositives / 20_000).toBeLessThan(0.02);
  });

  it('remembers a key for at least half its window and forgets it after the whole window', () => {
    const f = new RotatingKeyFilter(1000, 60_000, 0);
    const [a, b, c] = [key(1), key(2), key(3)];
    f.add(a, 0);
    f.add(b, 30_000);
    expect(f.mightContain(a)).toBe(true);
    f.add(c, 60_000);
    expect([f.mightContain(a), f.mightContain(b), f.mightContain(c)]).toEqual([false, true, true]);
  });

  it('rotates early, and counts it, when a generation fills', () => {
    const f = new RotatingKeyFilter(1000, 60_000, 0);
    for (let i = 0; i <= 1000; i++) f.add(key(i), 1);
    expect(f.earlyRotations).toBe(1);
    expect(f.mightContain(key(1000))).toBe(true);
  });
});
