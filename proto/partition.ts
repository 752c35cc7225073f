// Partitions: the unit of work one collector owns at a time (README, "Partitions"). A journey's
// partition is a function of its correlation key that agent and collector compute alike.
//
// What is hashed: the unordered pair {originator, target}, not the counter. A request's key is
// User:device:counter and an alert's is device:User:counter, so the pair is the same for a
// device's requests from a User and the alerts it sends to that User: the metric engine's state
// per device and party (alert sequences, Change of Supplier, estate, failure links) stays with
// one owner, and every use of a key (a reused counter) too. Hashing only the target would send
// every alert of a supplier to one partition (the User is an alert's target), which skews badly:
// there are few Users and millions of devices. The device in the pair spreads the load.
//
// The hash is FNV-1a over the pair's 16 bytes (smaller EUI-64 first, each big-endian) with a
// murmur3 finaliser so that its low bits (which `mod P` keeps) are as mixed as its high ones.
// 32-bit integer arithmetic only: it runs per key, on the agent and the collector.

export const DEFAULT_PARTITION_COUNT = 64;
/** Topics carry the partition in decimal; this keeps every topic short and a subscription list small. */
export const MAX_PARTITION_COUNT = 4096;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvWord(h: number, word: number): number {
  h = Math.imul(h ^ (word >>> 24), FNV_PRIME);
  h = Math.imul(h ^ ((word >>> 16) & 255), FNV_PRIME);
  h = Math.imul(h ^ ((word >>> 8) & 255), FNV_PRIME);
  return Math.imul(h ^ (word & 255), FNV_PRIME);
}

/** The partition, in 0..count-1, of a key with these originator and target EUI-64 halves. */
export function partitionOf(originatorHi: number, originatorLo: number, targetHi: number, targetLo: number, count: number): number {
  const oHi = originatorHi >>> 0;
  const oLo = originatorLo >>> 0;
  const tHi = targetHi >>> 0;
  const tLo = targetLo >>> 0;
  const originatorFirst = oHi < tHi || (oHi === tHi && oLo <= tLo);
  let h = FNV_OFFSET;
  if (originatorFirst) h = fnvWord(fnvWord(fnvWord(fnvWord(h, oHi), oLo), tHi), tLo);
  else h = fnvWord(fnvWord(fnvWord(fnvWord(h, tHi), tLo), oHi), oLo);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % count;
}

/** A key's EUI-64 halves, as the agent's JourneyKey and the collector's JoinKey both hold them. */
export interface PartitionedKey {
  readonly originatorHi: number;
  readonly originatorLo: number;
  readonly targetHi: number;
  readonly targetLo: number;
}

export function partitionOfKey(key: PartitionedKey, count: number): number {
  return partitionOf(key.originatorHi, key.originatorLo, key.targetHi, key.targetLo, count);
}

export function isPartitionCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_PARTITION_COUNT;
}

/** 0, 1, ..., count - 1. */
export function allPartitions(count: number): number[] {
  return Array.from({ length: count }, (_, p) => p);
}
