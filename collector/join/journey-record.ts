// A completed journey as hopwatch reports it: figures, outcome, context, and its hops.
// Built from the hops alone (so a stored record can be rebuilt when a late hop amends it),
// with per-point lookups in a scratch table: closing a journey allocates almost nothing.
import type { JourneyContext } from '../../proto/hop-context.js';
import type { HopPointName } from '../../proto/hop-point.js';
import {
  ALERT_CHAIN_RANK, HOP_POINT_COUNT, HopPoint, hopPointName, isAlertPoint, isSmets1Point, REQUEST_CHAIN_RANK, SMETS1_CHAIN_RANK,
} from '../../proto/hop-point.js';
import type { Catalogue } from '../metrics/catalogue.js';

/** A journey's hops as parallel columns, in arrival order. */
export interface JourneyHops {
  readonly points: readonly number[];
  readonly agentIds: readonly string[];
  /** Microseconds since the Unix epoch, each on its stamping agent's clock. */
  readonly times: readonly number[];
  readonly codes?: readonly (string | undefined)[];
}

export interface Segment {
  readonly from: HopPointName;
  readonly to: HopPointName;
  readonly us: number;
  /** The two stamps come from different agents, so the figure spans two clocks. */
  readonly crossAgent: boolean;
}

export const FIGURE_NAMES = ['rttUs', 'dccUs', 'hanUs', 'ackUs', 'cspRoundTripUs', 'chResidenceUs', 'alertDeliveryUs'] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];
export type Figures = Partial<Record<FigureName, number>>;

export type Outcome = 'success' | 'failure';
export type JourneyKind = 'request' | 'alert';

export interface JourneyRecord {
  readonly key: string;
  readonly kind: JourneyKind;
  readonly srv?: string;
  /** First point on the chain (UG_IN, ALERT_RAISED) if stamped, else the earliest hop. */
  readonly startedUs: number;
  /** The final point if stamped, else the latest hop. */
  readonly endedUs: number;
  readonly outcome: Outcome;
  readonly code?: string;
  readonly reason?: string;
  readonly figures: Figures;
  /** Figures that combine stamps of different agents (clock offsets not removed). */
  readonly crossAgent: readonly FigureName[];
  readonly hops: JourneyHops;
  readonly context: JourneyContext;
  /** How many times hops arriving after completion changed this record. */
  readonly amendments: number;
}

export type CloseCause = 'final' | 'timeout';

export interface RecordInput {
  readonly key: string;
  readonly hops: JourneyHops;
  readonly context: JourneyContext;
  readonly cause: CloseCause;
  readonly amendments: number;
}

/** index + 1 of each point in the hops being measured; 0 when absent. */
const at = new Int32Array(HOP_POINT_COUNT + 1);
const NO_CROSS: readonly FigureName[] = Object.freeze([]);

function index(h: JourneyHops): void {
  at.fill(0);
  for (let i = 0; i < h.points.length; i++) at[h.points[i]!] = i + 1;
}

/** What the hops alone say: kind, figures, start and end, the final point's code. */
export interface Measurement {
  readonly kind: JourneyKind;
  readonly startedUs: number;
  readonly endedUs: number;
  readonly figures: Figures;
  readonly crossAgent: readonly FigureName[];
  readonly hasFinal: boolean;
  readonly finalCode?: string;
}

export function measure(h: JourneyHops): Measurement {
  index(h);
  const has = (p: number) => at[p]! > 0;
  const time = (p: number) => h.times[at[p]! - 1]!;
  const agent = (p: number) => h.agentIds[at[p]! - 1]!;
  const figures: Figures = {};
  let crossAgent: FigureName[] | undefined;
  const cross = (name: FigureName) => (crossAgent ??= []).push(name);
  const span = (name: FigureName, from: number, to: number): boolean => {
    if (!has(from) || !has(to)) return false;
    figures[name] = time(to) - time(from);
    if (agent(from) !== agent(to)) cross(name);
    return true;
  };

  const kind: JourneyKind = h.points.some(isAlertPoint) ? 'alert' : 'request';
  const smets1 = h.points.some(isSmets1Point);
  const rtt = span('rttUs', HopPoint.UG_IN, HopPoint.UG_OUT);
  // HAN-exclusive DCC time: SMETS2+ leaves out the HAN and device; SMETS1 what lies beyond the S1SP.
  const [hanFrom, hanTo] = smets1 ? [HopPoint.S1SP_OUT, HopPoint.S1SP_IN] : [HopPoint.HAN_OUT, HopPoint.HAN_IN];
  const han = span('hanUs', hanFrom, hanTo);
  if (rtt && han) {
    figures.dccUs = figures.rttUs! - figures.hanUs!;
    if (agent(HopPoint.UG_IN) !== agent(HopPoint.UG_OUT) || agent(hanFrom) !== agent(hanTo)) cross('dccUs');
  }
  span('ackUs', HopPoint.UG_IN, HopPoint.UG_ACK);
  span('cspRoundTripUs', HopPoint.CSP_OUT, HopPoint.CSP_IN);
  if (han && has(HopPoint.CH_IN) && has(HopPoint.CH_OUT)) {
    figures.chResidenceUs = time(HopPoint.CH_OUT) - time(HopPoint.CH_IN) - figures.hanUs!;
    if (agent(HopPoint.CH_IN) !== agent(HopPoint.CH_OUT) || agent(hanFrom) !== agent(hanTo)) cross('chResidenceUs');
  }
  span('alertDeliveryUs', HopPoint.ALERT_RAISED, HopPoint.ALERT_UG_OUT);

  const firstPoint = kind === 'alert' ? HopPoint.ALERT_RAISED : HopPoint.UG_IN;
  const finalPoint = kind === 'alert' ? HopPoint.ALERT_UG_OUT : HopPoint.UG_OUT;
  const hasFinal = has(finalPoint);
  const finalCode = hasFinal ? h.codes?.[at[finalPoint]! - 1] : undefined;
  const m: Measurement = {
    kind,
    startedUs: has(firstPoint) ? time(firstPoint) : Math.min(...h.times),
    endedUs: hasFinal ? time(finalPoint) : Math.max(...h.times),
    figures,
    crossAgent: crossAgent ?? NO_CROSS,
    hasFinal,
  };
  return finalCode === undefined ? m : { ...m, finalCode };
}

export function buildRecord(input: RecordInput, catalogue: Catalogue): JourneyRecord {
  const m = measure(input.hops);
  const record: Mutable<JourneyRecord> = {
    key: input.key,
    kind: m.kind,
    startedUs: m.startedUs,
    endedUs: m.endedUs,
    outcome: 'success',
    figures: m.figures,
    crossAgent: m.crossAgent,
    hops: input.hops,
    context: input.context,
    amendments: input.amendments,
  };
  if (input.context.srv !== undefined) record.srv = input.context.srv;
  setOutcome(record, m, input.cause, catalogue);
  return record;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The segments between consecutive points of the journey's chain, in chain order. */
export function segmentsOf(h: JourneyHops): Segment[] {
  const chain = h.points.some(isAlertPoint) ? ALERT_CHAIN_RANK : h.points.some(isSmets1Point) ? SMETS1_CHAIN_RANK : REQUEST_CHAIN_RANK;
  const onChain = h.points.map((_, i) => i).filter((i) => chain.has(h.points[i]!)).sort((a, b) => chain.get(h.points[a]!)! - chain.get(h.points[b]!)!);
  const segments: Segment[] = [];
  for (let n = 1; n < onChain.length; n++) {
    const a = onChain[n - 1]!;
    const b = onChain[n]!;
    segments.push({ from: hopPointName(h.points[a]!), to: hopPointName(h.points[b]!), us: h.times[b]! - h.times[a]!, crossAgent: h.agentIds[a] !== h.agentIds[b] });
  }
  return segments;
}

function setOutcome(r: Mutable<JourneyRecord>, m: Measurement, cause: CloseCause, catalogue: Catalogue): void {
  if (!m.hasFinal) {
    r.outcome = 'failure';
    r.reason = cause === 'timeout' ? 'no-response' : 'incomplete';
    return;
  }
  const code = m.finalCode;
  if (code === undefined) return;
  r.code = code;
  const entry = catalogue.code(code);
  if (!entry) {
    r.outcome = 'failure';
    r.reason = 'unknown-code';
  } else if (entry.outcome === 'failure') {
    r.outcome = 'failure';
    r.reason = entry.reason ?? 'failure';
  }
}
