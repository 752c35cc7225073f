// Seeded randomness for the stubs: the same seed gives the same fleet, traffic and
// latencies, so a failing benchmark or integration test can be replayed exactly.
// mulberry32 is small, fast and good enough for simulation (not for cryptography).

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Integer uniform in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Standard normal (mean 0, standard deviation 1). */
  normal(): number;
  /**
   * Lognormal with the given median; `sigma` is the standard deviation of its logarithm
   * (0.5 puts the 95th percentile at 2.3 × the median, 1.0 at 5.2 ×).
   */
  lognormal(median: number, sigma: number): number;
  /** Exponential with the given mean: the gap between arrivals of a Poisson process. */
  exponential(mean: number): number;
  pick<T>(items: readonly T[]): T;
  /** An independent stream derived from this one's seed and `label`, unaffected by draws made here. */
  fork(label: string): Random;
  readonly seed: number;
}

export function createRandom(seed: number): Random {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const seed32 = seed >>> 0;
  let state = seed32;
  const next = () => {
    // mulberry32 (Tommy Ettinger): one 32-bit state, period 2^32.
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    // Box-Muller; 1 - next() is in (0, 1], so the logarithm is finite.
    const u = 1 - next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return {
    seed: seed32,
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, maxExclusive) => min + Math.floor((maxExclusive - min) * next()),
    chance: (p) => next() < p,
    normal,
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
    exponential: (mean) => -mean * Math.log(1 - next()),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(items.length * next())]!;
    },
    fork: (label) => createRandom(mix32(seed32 ^ fnv1a(label))),
  };
}

export interface Weighted<T> {
  readonly value: T;
  readonly weight: number;
}

/** Draws values in proportion to their weights (cumulative table, binary search). */
export function createWeightedChoice<T>(items: readonly Weighted<T>[]): (random: Random) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const { value, weight } of items) {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`weight of ${String(value)} must be a finite number >= 0, got ${weight}`);
    total += weight;
    cumulative.push(total);
  }
  if (!(total > 0)) throw new RangeError('weighted choice needs at least one positive weight');
  return (random) => {
    const r = random.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return items[lo]!.value;
  };
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's finaliser: nearby seeds give unrelated streams. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
