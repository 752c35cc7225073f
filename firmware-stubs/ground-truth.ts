// What really happened to every finished journey, in true time, to compare with what
// hopwatch measured. Figures follow the collector's definitions (journey-record.ts) so the
// two line up name for name; a figure is absent when one of its points was never stamped.
// Memory: benchmarks keep 100k+ journeys, so rows live in flat typed arrays (one slot per
// hop point: about 400 bytes a journey with its key) and the per-journey objects are built
// only when someone asks for one. Bounded: when full, the oldest journey makes room and is
// counted, so a live demo can run for days.
import type { HopPointName } from '../proto/hop-point.js';
import { ALERT_CHAIN_RANK, HOP_POINT_COUNT, HopPoint, hopPointName, REQUEST_CHAIN_RANK } from '../proto/hop-point.js';
import type { JourneyKind, JourneyScript } from './journey-script.js';

export interface TruthHop {
  readonly point: HopPointName;
  readonly agentId: string;
  readonly trueUs: number;
  readonly code?: string;
}

export interface TrueSegment {
  readonly from: HopPointName;
  readonly to: HopPointName;
  readonly us: number;
}

export interface TrueFigures {
  /** UG_OUT − UG_IN: the Round Trip Time, HAN-inclusive. */
  readonly rttUs?: number;
  /** HAN_IN − HAN_OUT. */
  readonly hanUs?: number;
  /** rtt − han: DCC time, HAN-exclusive. */
  readonly dccUs?: number;
  /** UG_ACK − UG_IN. */
  readonly ackUs?: number;
  /** CSP_IN − CSP_OUT. */
  readonly cspRoundTripUs?: number;
  /** (CH_OUT − CH_IN) − han. */
  readonly chResidenceUs?: number;
  /** ALERT_UG_OUT − ALERT_RAISED. */
  readonly alertDeliveryUs?: number;
}

export interface JourneyTruth {
  readonly key: string;
  readonly kind: JourneyKind;
  readonly srv: string;
  readonly outcome: 'success' | 'failure';
  readonly code?: string;
  readonly reason?: 'no-response';
  readonly startedUs: number;
  readonly endedUs: number;
  /** In true-time order. */
  readonly hops: readonly TruthHop[];
  readonly figures: TrueFigures;
  /** Between consecutive stamped points of the journey's chain. */
  readonly segments: readonly TrueSegment[];
}

export interface GroundTruth {
  /** Journeys held (at most maxJourneys). */
  readonly size: number;
  /** Journeys dropped, oldest first, to stay within maxJourneys. */
  readonly evicted: number;
  add(script: JourneyScript): void;
  get(key: string): JourneyTruth | undefined;
  /** Oldest first. */
  keys(): IterableIterator<string>;
  /** Oldest first. */
  [Symbol.iterator](): IterableIterator<JourneyTruth>;
}

export interface GroundTruthOptions {
  readonly maxJourneys?: number;
  readonly initialCapacity?: number;
}

export const DEFAULT_MAX_TRUTH_JOURNEYS = 500_000;

const SLOTS = HOP_POINT_COUNT + 1;
const ALERT = 1;
const FAILURE = 2;
const NO_RESPONSE = 4;

/** Strings seen many times (agent ids, SRVs, codes) stored once; index 0 means none. */
class Interned {
  readonly values: (string | undefined)[] = [undefined];
  private readonly index = new Map<string, number>();

  of(value: string | undefined): number {
    if (value === undefined) return 0;
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.push(value) - 1;
      if (i > 0xffff) throw new RangeError('ground truth holds at most 65535 distinct agents, SRVs and codes');
      this.index.set(value, i);
    }
    return i;
  }
}

export function createGroundTruth(options: GroundTruthOptions = {}): GroundTruth {
  const maxJourneys = options.maxJourneys ?? DEFAULT_MAX_TRUTH_JOURNEYS;
  const initialCapacity = Math.min(options.initialCapacity ?? 1024, maxJourneys);
  if (!Number.isInteger(maxJourneys) || maxJourneys < 1) throw new RangeError(`maxJourneys must be an integer >= 1, got ${maxJourneys}`);
  const rowOf = new Map<string, number>();
  /** Key of each row; rows are reused round-robin once maxJourneys are held. */
  const keys: string[] = [];
  const strings = new Interned();
  let added = 0;
  let capacity = 0;
  let times = new Float64Array(0);
  let agents = new Uint16Array(0);
  let codes = new Uint16Array(0);
  let srvs = new Uint16Array(0);
  let flags = new Uint8Array(0);

  const grow = () => {
    const next = Math.min(maxJourneys, Math.max(capacity * 2, initialCapacity));
    const widen = <A extends Float64Array | Uint16Array | Uint8Array>(old: A, make: (n: number) => A, per: number): A => {
      const a = make(next * per);
      a.set(old);
      return a;
    };
    times = widen(times, (n) => new Float64Array(n), SLOTS);
    agents = widen(agents, (n) => new Uint16Array(n), SLOTS);
    codes = widen(codes, (n) => new Uint16Array(n), SLOTS);
    srvs = widen(srvs, (n) => new Uint16Array(n), 1);
    flags = widen(flags, (n) => new Uint8Array(n), 1);
    capacity = next;
  };

  /** Rows from the oldest journey to the newest. */
  function* rows(): IterableIterator<number> {
    const held = Math.min(added, maxJourneys);
    const oldest = added > maxJourneys ? added % maxJourneys : 0;
    for (let i = 0; i < held; i++) yield (oldest + i) % maxJourneys;
  }

  const build = (row: number): JourneyTruth => {
    const base = row * SLOTS;
    const hops: TruthHop[] = [];
    for (let p = 1; p < SLOTS; p++) {
      const agent = agents[base + p]!;
      if (agent === 0) continue;
      const code = strings.values[codes[base + p]!];
      const hop = { point: hopPointName(p), agentId: strings.values[agent]!, trueUs: times[base + p]! };
      hops.push(code === undefined ? hop : { ...hop, code });
    }
    hops.sort((a, b) => a.trueUs - b.trueUs);
    const f = flags[row]!;
    const kind: JourneyKind = f & ALERT ? 'alert' : 'request';
    const at = (point: number) => (agents[base + point] === 0 ? undefined : times[base + point]!);
    const finalCode = strings.values[codes[base + HopPoint.UG_OUT]!];
    return {
      key: keys[row]!,
      kind,
      srv: strings.values[srvs[row]!]!,
      outcome: f & FAILURE ? 'failure' : 'success',
      ...(finalCode !== undefined ? { code: finalCode } : {}),
      ...(f & NO_RESPONSE ? { reason: 'no-response' as const } : {}),
      startedUs: hops[0]!.trueUs,
      endedUs: hops[hops.length - 1]!.trueUs,
      hops,
      figures: figuresOf(at),
      segments: segmentsOf(hops, kind),
    };
  };

  return {
    get size() {
      return Math.min(added, maxJourneys);
    },
    get evicted() {
      return Math.max(0, added - maxJourneys);
    },
    add(script) {
      if (rowOf.has(script.key)) throw new RangeError(`journey ${script.key} is already in the ground truth`);
      const row = added % maxJourneys;
      if (added >= maxJourneys) rowOf.delete(keys[row]!);
      else if (row >= capacity) grow();
      const base = row * SLOTS;
      agents.fill(0, base, base + SLOTS);
      codes.fill(0, base, base + SLOTS);
      for (const hop of script.hops) {
        times[base + hop.point] = hop.trueUs;
        agents[base + hop.point] = strings.of(hop.agentId);
        codes[base + hop.point] = strings.of(hop.code);
      }
      srvs[row] = strings.of(script.srv);
      flags[row] = (script.kind === 'alert' ? ALERT : 0) | (script.outcome === 'failure' ? FAILURE : 0) |
        (script.reason === 'no-response' ? NO_RESPONSE : 0);
      keys[row] = script.key;
      rowOf.set(script.key, row);
      added++;
    },
    get(key) {
      const row = rowOf.get(key);
      return row === undefined ? undefined : build(row);
    },
    *keys() {
      for (const row of rows()) yield keys[row]!;
    },
    *[Symbol.iterator]() {
      for (const row of rows()) yield build(row);
    },
  };
}

function figuresOf(at: (point: number) => number | undefined): TrueFigures {
  const span = (from: number, to: number) => {
    const a = at(from);
    const b = at(to);
    return a === undefined || b === undefined ? undefined : b - a;
  };
  const minus = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);
  const rtt = span(HopPoint.UG_IN, HopPoint.UG_OUT);
  const han = span(HopPoint.HAN_OUT, HopPoint.HAN_IN);
  const all: Record<keyof TrueFigures, number | undefined> = {
    rttUs: rtt,
    hanUs: han,
    dccUs: minus(rtt, han),
    ackUs: span(HopPoint.UG_IN, HopPoint.UG_ACK),
    cspRoundTripUs: span(HopPoint.CSP_OUT, HopPoint.CSP_IN),
    chResidenceUs: minus(span(HopPoint.CH_IN, HopPoint.CH_OUT), han),
    alertDeliveryUs: span(HopPoint.ALERT_RAISED, HopPoint.ALERT_UG_OUT),
  };
  const figures: Record<string, number> = {};
  for (const [name, value] of Object.entries(all)) if (value !== undefined) figures[name] = value;
  return figures as TrueFigures;
}

function segmentsOf(hops: readonly TruthHop[], kind: JourneyKind): TrueSegment[] {
  const chain = kind === 'alert' ? ALERT_CHAIN_RANK : REQUEST_CHAIN_RANK;
  const onChain = hops.filter((h) => chain.has(HopPoint[h.point])).sort((a, b) => chain.get(HopPoint[a.point])! - chain.get(HopPoint[b.point])!);
  const segments: TrueSegment[] = [];
  for (let i = 1; i < onChain.length; i++) {
    segments.push({ from: onChain[i - 1]!.point, to: onChain[i]!.point, us: onChain[i]!.trueUs - onChain[i - 1]!.trueUs });
  }
  return segments;
}
