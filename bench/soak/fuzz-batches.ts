// Fuzzed batches made from real ones (the agent's encoder): random bytes, truncated, bits
// flipped, two run together, and extreme values encoded again with a checksum that matches, so
// that they pass the CRC and must be refused by the decoder's checks. None is a valid batch.
import { HopChunk } from '../../agent/hop-recorder.js';
import { encodeHops } from '../../agent/batch-encoder.js';
import { journeyKey } from '../../agent/journey-key.js';
import type { Random } from '../../firmware-stubs/random.js';
import { appendChecksum } from '../../proto/batch-checksum.js';
import { HopPoint } from '../../proto/hop-point.js';
import Long from 'long';
import { WireBatch, type WireBatchFields } from '../../proto/wire.js';

export const FUZZ_KINDS = ['random', 'truncated', 'bit-flipped', 'concatenated', 'extreme'] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/** A real batch of `hops` hops (UG_IN and UG_OUT of hops / 2 journeys) stamped now. */
export function seedBatch(agentId: string, seq: number, hops: number, random: Random): Uint8Array {
  const chunk = new HopChunk(hops);
  const startUs = Date.now() * 1000;
  for (let i = 0; i < hops; i++) {
    chunk.keys[i] = journeyKey(`90-B3-D5-1F-30-01-00-00:00-DB-F0-22-00-00-00-01:${random.int(1, 2 ** 40)}`);
    chunk.points[i] = i % 2 === 0 ? HopPoint.UG_IN : HopPoint.UG_OUT;
    chunk.timesUs[i] = startUs + i;
    chunk.contexts[i] = i % 2 === 0 ? { srv: '4.8.1' } : { code: 'I0' };
  }
  chunk.length = hops;
  return encodeHops(chunk, hops, () => ({ agentId, streamId: 7, seq }))[0]!.bytes;
}

// Values each out of its field's range (proto/hopwatch.proto), one per extreme batch. Not the
// key counter deltas: counters wrap modulo 2^64, so every delta is a valid one.
type HopPointNumber = NonNullable<WireBatchFields['hopPoint']>[number];

const extremes: readonly ((b: WireBatchFields) => Partial<WireBatchFields>)[] = [
  () => ({ version: 0xffffffff }),
  () => ({ version: 0 }),
  () => ({ agentId: 'someone-else' }),
  () => ({ agentId: 'x'.repeat(100_000) }),
  () => ({ seq: 0 }),
  () => ({ seq: Long.MAX_UNSIGNED_VALUE }),
  () => ({ baseTimeUs: Long.MAX_VALUE }),
  () => ({ baseTimeUs: Long.MIN_VALUE }),
  () => ({ baseTimeUs: 0 }),
  (b) => ({ hopTimeDeltaUs: (b.hopTimeDeltaUs ?? []).map(() => 0xffffffff) }),
  (b) => ({ hopPoint: (b.hopPoint ?? []).map(() => 0x7fffffff as HopPointNumber) }),
  (b) => ({ hopKey: (b.hopKey ?? []).map(() => 0xffffffff) }),
  (b) => ({ keyTargetDelta: (b.keyTargetDelta ?? []).map(() => 0x7fffffff) }),
  (b) => ({ code: (b.code ?? []).map(() => 0xffffffff) }),
  (b) => ({ codeHopDelta: (b.codeHopDelta ?? []).map(() => 0xffffffff) }),
  () => ({ strings: ['not empty'] }),
  () => ({ hopKey: [], hopPoint: [], hopTimeDeltaUs: [] }),
  (b) => ({ hopPoint: [...(b.hopPoint ?? []), 1] }),
];

export function fuzzBatch(kind: FuzzKind, seed: Uint8Array, other: Uint8Array, random: Random): Uint8Array {
  switch (kind) {
    case 'random': {
      const out = new Uint8Array(random.int(0, 2048));
      for (let i = 0; i < out.length; i++) out[i] = random.int(0, 256);
      return out;
    }
    case 'truncated':
      return seed.slice(0, random.int(0, seed.length));
    case 'bit-flipped': {
      // Distinct bytes, so that no flip undoes another and leaves the batch as it was.
      const out = seed.slice();
      const bytes = new Set<number>();
      for (let n = random.int(1, 9); n > 0; n--) bytes.add(random.int(0, out.length));
      for (const i of bytes) out[i]! ^= 1 << random.int(0, 8);
      return out;
    }
    case 'concatenated': {
      const out = new Uint8Array(seed.length + other.length);
      out.set(seed);
      out.set(other, seed.length);
      return out;
    }
    case 'extreme': {
      const fields = WireBatch.decode(seed);
      const change = random.pick(extremes)(fields);
      return appendChecksum(WireBatch.encode({ ...fields, ...change, checksum: undefined } as WireBatchFields).finish());
    }
  }
}
