// The correlation key of a journey: the DUIS RequestID's three parts,
// originator EUI-64, target EUI-64 and counter (`90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000`).
// EUI-64s are held as two unsigned 32-bit halves so that no hot path needs BigInt.

export interface Eui64 {
  readonly hi: number;
  readonly lo: number;
}

export interface CorrelationKeyParts {
  readonly originator: Eui64;
  readonly target: Eui64;
  /** DUIS counter: an unsigned 64-bit integer (often epoch milliseconds). */
  readonly counter: bigint;
}

const MAX_COUNTER = (1n << 64n) - 1n;
const euiPattern = /^[0-9A-Fa-f]{2}(?:-?[0-9A-Fa-f]{2}){7}$/;
const counterPattern = /^[0-9]{1,20}$/;

export function parseEui64(text: string): Eui64 | undefined {
  if (!euiPattern.test(text)) return undefined;
  const hex = text.replace(/-/g, '');
  return { hi: Number.parseInt(hex.slice(0, 8), 16), lo: Number.parseInt(hex.slice(8), 16) };
}

const hexByte: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** Formats as DUIS writes it: upper-case hex byte pairs joined by dashes. */
export function formatEui64(hi: number, lo: number): string {
  return `${hexByte[hi >>> 24]}-${hexByte[(hi >>> 16) & 255]}-${hexByte[(hi >>> 8) & 255]}-${hexByte[hi & 255]}-` +
    `${hexByte[lo >>> 24]}-${hexByte[(lo >>> 16) & 255]}-${hexByte[(lo >>> 8) & 255]}-${hexByte[lo & 255]}`;
}

export function parseCounter(text: string): bigint | undefined {
  if (!counterPattern.test(text)) return undefined;
  const value = BigInt(text);
  return value <= MAX_COUNTER ? value : undefined;
}

export function isValidCounter(value: bigint): boolean {
  return value >= 0n && value <= MAX_COUNTER;
}

/** Parses `originator:target:counter`; returns a reason instead of throwing. */
export function parseCorrelationKey(text: string): CorrelationKeyParts | { error: string } {
  const parts = text.split(':');
  if (parts.length !== 3) return { error: `expected originator:target:counter, got ${JSON.stringify(text)}` };
  const [o, t, c] = parts as [string, string, string];
  const originator = parseEui64(o);
  if (!originator) return { error: `originator is not an EUI-64: ${JSON.stringify(o)}` };
  const target = parseEui64(t);
  if (!target) return { error: `target is not an EUI-64: ${JSON.stringify(t)}` };
  const counter = parseCounter(c);
  if (counter === undefined) return { error: `counter is not an unsigned 64-bit integer: ${JSON.stringify(c)}` };
  return { originator, target, counter };
}

export function formatCorrelationKey(parts: CorrelationKeyParts): string {
  return `${formatEui64(parts.originator.hi, parts.originator.lo)}:${formatEui64(parts.target.hi, parts.target.lo)}:${parts.counter}`;
}

export function compareEui64(a: Eui64, b: Eui64): number {
  return a.hi - b.hi || a.lo - b.lo;
}
