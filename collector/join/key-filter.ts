// Which keys might have a journey in the store rather than in memory: recently closed
// ones (a late hop amends them) and open ones moved out of memory. A Bloom filter
// answers "maybe" or "certainly not" from the key's two hashes and a few bits per key,
// so a brand-new journey never costs a store lookup, except for false positives (about 1 %).
import type { JoinKey } from './join-key.js';

type Hashed = Pick<JoinKey, 'hash' | 'hash2'>;

export class BloomFilter {
  private readonly bits: Uint32Array;
  private readonly size: number;
  private readonly hashes: number;
  count = 0;

  constructor(readonly capacity: number, falsePositiveRate = 0.01) {
    const m = Math.ceil((-capacity * Math.log(falsePositiveRate)) / (Math.LN2 * Math.LN2));
    this.size = Math.max(64, m);
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
    this.hashes = Math.max(1, Math.round((this.size / capacity) * Math.LN2));
  }

  add(key: Hashed): void {
    const h1 = key.hash >>> 0;
    const h2 = (key.hash2 | 1) >>> 0; // odd, and unsigned: a negative step would index outside the bits
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + i * h2) % this.size;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count++;
  }

  has(key: Hashed): boolean {
    const h1 = key.hash >>> 0;
    const h2 = (key.hash2 | 1) >>> 0;
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + i * h2) % this.size;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }
}

/**
 * Two generations: keys go into the current one; a lookup checks both. When the current
 * one is full or older than half the window, the older is dropped, so a key is remembered
 * for at least half and at most the whole window. `rotations` counts early rotations.
 */
export class RotatingKeyFilter {
  private current: BloomFilter;
  private previous: BloomFilter;
  private startedAtMs: number;
  earlyRotations = 0;

  constructor(private readonly capacity: number, private readonly windowMs: number, nowMs: number) {
    this.current = new BloomFilter(capacity);
    this.previous = new BloomFilter(capacity);
    this.startedAtMs = nowMs;
  }

  add(key: Hashed, nowMs: number): void {
    if (this.current.full || nowMs - this.startedAtMs >= this.windowMs / 2) {
      if (this.current.full && nowMs - this.startedAtMs < this.windowMs / 2) this.earlyRotations++;
      this.rotate(nowMs);
    }
    this.current.add(key);
  }

  mightContain(key: Hashed): boolean {
    return this.current.has(key) || this.previous.has(key);
  }

  rotate(nowMs: number): void {
    this.previous = this.current;
    this.current = new BloomFilter(this.capacity);
    this.startedAtMs = nowMs;
  }
}
