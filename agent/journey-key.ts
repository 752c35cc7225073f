// The key a rig passes to stamp(). Created once per journey; stamping with it costs no
// parsing. Fields are flat numbers so that the per-batch sort and delta coding stay cheap.
import type { CorrelationKeyParts } from '../proto/correlation-key.js';
import { formatCorrelationKey, parseCorrelationKey } from '../proto/correlation-key.js';
import type { EncodableKey } from './batch-encoder.js';

export class JourneyKey implements EncodableKey {
  readonly originatorHi: number;
  readonly originatorLo: number;
  readonly targetHi: number;
  readonly targetLo: number;
  readonly counter: bigint;
  /** The counter as a number when it is at most 2^53, else NaN. */
  readonly counterNumber: number;
  /** Scratch fields of the batch encoder. */
  encodePass = 0;
  encodeRow = 0;

  constructor(parts: CorrelationKeyParts) {
    this.originatorHi = parts.originator.hi;
    this.originatorLo = parts.originator.lo;
    this.targetHi = parts.target.hi;
    this.targetLo = parts.target.lo;
    this.counter = parts.counter;
    this.counterNumber = parts.counter <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(parts.counter) : Number.NaN;
  }

  toString(): string {
    return formatCorrelationKey({
      originator: { hi: this.originatorHi, lo: this.originatorLo },
      target: { hi: this.targetHi, lo: this.targetLo },
      counter: this.counter,
    });
  }
}

/** Parses `originator:target:counter` (DUIS RequestID form); throws a RangeError that says what is wrong. */
export function journeyKey(input: string | CorrelationKeyParts): JourneyKey {
  const parts = typeof input === 'string' ? parseCorrelationKey(input) : input;
  if ('error' in parts) throw new RangeError(parts.error);
  return new JourneyKey(parts);
}
