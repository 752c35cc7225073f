// A correlation key as the collector holds it: numbers, not text. Building and hashing
// a 60-character key string for every key of every batch cost more than all the rest
// of the join; the text is made only when a record or a checkpoint is written, and not
// kept (an open journey would otherwise hold about a hundred bytes of it).
import { formatEui64, parseCorrelationKey } from '../../proto/correlation-key.js';

const TWO_32 = 2 ** 32;

export class JoinKey {
  /** 32-bit hashes of the key: the first indexes KeyTable, both feed the Bloom filters. */
  readonly hash: number;
  readonly hash2: number;

  constructor(
    readonly originatorHi: number,
    readonly originatorLo: number,
    readonly targetHi: number,
    readonly targetLo: number,
    /** The counter when it is at most 2^53 (NaN otherwise: then `counterBig` holds it). */
    readonly counter: number,
    readonly counterBig?: bigint,
  ) {
    const cHi = counterBig === undefined ? Math.floor(counter / TWO_32) : Number(BigInt.asUintN(32, counterBig >> 32n));
    const cLo = counterBig === undefined ? counter >>> 0 : Number(BigInt.asUintN(32, counterBig));
    this.hash = mix(mix(mix(mix(mix(0x9747b28c, targetLo), targetHi), cLo), cHi), originatorLo ^ originatorHi);
    this.hash2 = mix(mix(mix(mix(mix(0x5bd1e995, cLo), originatorLo), targetLo), originatorHi), targetHi ^ cHi);
  }

  static fromCounter(oHi: number, oLo: number, tHi: number, tLo: number, counter: bigint): JoinKey {
    return counter <= BigInt(Number.MAX_SAFE_INTEGER) ? new JoinKey(oHi, oLo, tHi, tLo, Number(counter)) : new JoinKey(oHi, oLo, tHi, tLo, Number.NaN, counter);
  }

  static parse(text: string): JoinKey | undefined {
    const p = parseCorrelationKey(text);
    return 'error' in p ? undefined : JoinKey.fromCounter(p.originator.hi, p.originator.lo, p.target.hi, p.target.lo, p.counter);
  }

  equals(o: JoinKey): boolean {
    return this.targetLo === o.targetLo && this.counter === o.counter && this.targetHi === o.targetHi &&
      this.originatorLo === o.originatorLo && this.originatorHi === o.originatorHi && this.counterBig === o.counterBig;
  }

  /** DUIS RequestID form: `90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000`. */
  toString(): string {
    return `${formatEui64(this.originatorHi, this.originatorLo)}:${formatEui64(this.targetHi, this.targetLo)}:${this.counterBig ?? this.counter}`;
  }
}

function mix(h: number, v: number): number {
  h = Math.imul(h ^ (v >>> 0), 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  return Math.imul(h, 0x1b873593) ^ (h >>> 13);
}
