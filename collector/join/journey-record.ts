// A completed journey as hopwatch reports it: figures, outcome, context, and its hops.
// Built from the hops alone (so a stored record can be rebuilt when a late hop amends it),
// with per-point lookups in a scratch table: closing a journey allocates almost nothing.
import type { JourneyContext } from '../../proto/hop-context.js';
import type { HopPointName } from '../../proto/hop-point.js';
import {
  ALERT_CHAIN_RANK, HOP_POINT_COUNT, HopPoint, hopPointName, isAlertPoint, isSmets1Point, REQUEST_CHAIN_RANK, SMETS1_CHAIN_RANK,
} from '../../proto/hop-point.js';
import type { Catalogue } from '../catalogue/catalogue.js';

/** Each hop's time on the collector's clock, and how far it may be off (see collector/clock). */
export interface MappedTimes {
  readonly us: readonly number[];
  /** Bound on the error of `us`; Infinity for an agent whose clock is not yet known. */
  readonly uncertaintyUs: readonly number[];
  /** Bound on the agent's rate error: an interval of d µs on its clock is right to within d * this. */
  readonly rateUncertainty: readonly number[];
  /** Some hop's agent had a measured drift beyond the physical limit when it was mapped. */
  readonly driftBeyondLimit?: boolean;
}

/** A journey's hops as parallel columns, in arrival order. */
export interface JourneyHops {
  readonly points: readonly number[];
  readonly agentIds: readonly string[];
  /** Microseconds since the Unix epoch, each on its stamping agent's clock (as stamped). */
  readonly times: readonly number[];
  readonly codes?: readonly (string | undefined)[];
  readonly mapped?: MappedTimes;
}

export interface Segment {
  readonly from: HopPointName;
  readonly to: HopPointName;
  readonly us: number;
  /** The true value lies within us ± uncertaintyUs (Infinity: an agent's clock is not yet known). */
  readonly uncertaintyUs: number;
  /** The two stamps come from different agents, so the figure spans two clocks. */
  readonly crossAgent: boolean;
}

/**
 * `unreconciled`: a segment between two agents is negative by more than its bound (the
 * clocks cannot both be right; the figure is reported as measured, not clamped).
 * `unsynchronised`: a figure spans an agent whose clock offset is not known yet.
 * `drift-beyond-limit`: a hop's agent measured a drift beyond the physical limit
 * (1,000 ppm): its bounds are widened, and its host clock needs a look.
 */
export type RecordFlag = 'unreconciled' | 'unsynchronised' | 'drift-beyond-limit';

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
  /** On the collector's clock: drift-corrected within one agent, offset-corrected across agents. */
  readonly figures: Figures;
  /** Each figure's true value lies within figure ± this. */
  readonly figureUncertaintyUs: Figures;
  /** Figures that combine stamps of different agents. */
  readonly crossAgent: readonly FigureName[];
  readonly flags: readonly RecordFlag[];
  /** Between consecutive points of the journey's chain, in chain order. */
  readonly segments: readonly Segment[];
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

/** What the hops alone say: kind, figures and their bounds, start and end, the final point's code. */
export interface Measurement {
  readonly kind: JourneyKind;
  readonly startedUs: number;
  readonly endedUs: number;
  readonly figures: Figures;
  readonly figureUncertaintyUs: Figures;
  readonly crossAgent: readonly FigureName[];
  readonly flags: readonly RecordFlag[];
  readonly segments: readonly Segment[];
  readonly hasFinal: boolean;
  readonly finalCode?: string;
}

/** Before an agent's clock is known: its times as stamped, a crystal's worst-case rate. */
const UNSYNCED_RATE_UNCERTAINTY = 100e-6;
/** Hop times travel as whole microseconds: a difference of two is off by up to 1 µs. */
const RESOLUTION_US = 1;

/** The bound on an interval between two stamps of one agent: its rate error, and rounding. */
function sameAgentBound(h: JourneyHops, a: number, b: number): number {
  return Math.abs(h.times[b]! - h.times[a]!) * (h.mapped?.rateUncertainty[a] ?? UNSYNCED_RATE_UNCERTAINTY) + RESOLUTION_US;
}
const NO_FLAGS: readonly RecordFlag[] = Object.freeze([]);

export function measure(h: JourneyHops): Measurement {
  index(h);
  const has = (p: number) => at[p]! > 0;
  const i = (p: number) => at[p]! - 1;
  const time = (p: number) => (h.mapped ? h.mapped.us[i(p)]! : h.times[i(p)]!);
  const agent = (p: number) => h.agentIds[i(p)]!;
  /** The bound on (time(b) - time(a)). */
  const bound = (a: number, b: number) => {
    if (agent(a) === agent(b)) return sameAgentBound(h, i(a), i(b));
    return h.mapped ? h.mapped.uncertaintyUs[i(a)]! + h.mapped.uncertaintyUs[i(b)]! : Infinity;
  };
  const figures: Figures = {};
  const uncertainty: Figures = {};
  let crossAgent: FigureName[] | undefined;
  const span = (name: FigureName, from: number, to: number): boolean => {
    if (!has(from) || !has(to)) return false;
    figures[name] = time(to) - time(from);
    uncertainty[name] = bound(from, to);
    if (agent(from) !== agent(to)) (crossAgent ??= []).push(name);
    return true;
  };
  const difference = (name: FigureName, whole: FigureName, part: FigureName) => {
    figures[name] = figures[whole]! - figures[part]!;
    uncertainty[name] = uncertainty[whole]! + uncertainty[part]!;
    if (crossAgent?.includes(whole) || crossAgent?.includes(part)) (crossAgent ??= []).push(name);
  };

  const kind: JourneyKind = h.points.some(isAlertPoint) ? 'alert' : 'request';
  const smets1 = h.points.some(isSmets1Point);
  const rtt = span('rttUs', HopPoint.UG_IN, HopPoint.UG_OUT);
  // HAN-exclusive DCC time: SMETS2+ leaves out the HAN and device; SMETS1 what lies beyond the S1SP.
  const [hanFrom, hanTo] = smets1 ? [HopPoint.S1SP_OUT, HopPoint.S1SP_IN] : [HopPoint.HAN_OUT, HopPoint.HAN_IN];
  const han = span('hanUs', hanFrom, hanTo);
  if (rtt && han) difference('dccUs', 'rttUs', 'hanUs');
  span('ackUs', HopPoint.UG_IN, HopPoint.UG_ACK);
  span('cspRoundTripUs', HopPoint.CSP_OUT, HopPoint.CSP_IN);
  if (han && has(HopPoint.CH_IN) && has(HopPoint.CH_OUT)) {
    figures.chResidenceUs = time(HopPoint.CH_OUT) - time(HopPoint.CH_IN) - figures.hanUs!;
    uncertainty.chResidenceUs = bound(HopPoint.CH_IN, HopPoint.CH_OUT) + uncertainty.hanUs!;
    if (agent(HopPoint.CH_IN) !== agent(HopPoint.CH_OUT) || crossAgent?.includes('hanUs')) (crossAgent ??= []).push('chResidenceUs');
  }
  span('alertDeliveryUs', HopPoint.ALERT_RAISED, HopPoint.ALERT_UG_OUT);

  const firstPoint = kind === 'alert' ? HopPoint.ALERT_RAISED : HopPoint.UG_IN;
  const finalPoint = kind === 'alert' ? HopPoint.ALERT_UG_OUT : HopPoint.UG_OUT;
  const hasFinal = has(finalPoint);
  const times = h.mapped?.us ?? h.times;
  const finalCode = hasFinal ? h.codes?.[i(finalPoint)] : latestCode(h.codes, times);
  const segments = segmentsOf(h);
  const m: Measurement = {
    kind,
    startedUs: has(firstPoint) ? time(firstPoint) : Math.min(...times),
    endedUs: hasFinal ? time(finalPoint) : Math.max(...times),
    figures,
    figureUncertaintyUs: uncertainty,
    crossAgent: crossAgent ?? NO_CROSS,
    flags: flagsOf(segments, h.mapped?.driftBeyondLimit === true),
    segments,
    hasFinal,
  };
  return finalCode === undefined ? m : { ...m, finalCode };
}

/** The segments between consecutive points of the chain, from the index `measure` built. */
function segmentsOf(h: JourneyHops): Segment[] {
  const chain = h.points.some(isAlertPoint) ? ALERT_CHAIN : h.points.some(isSmets1Point) ? SMETS1_CHAIN : REQUEST_CHAIN;
  const times = h.mapped?.us ?? h.times;
  const segments: Segment[] = [];
  let a = -1;
  for (let k = 0; k < chain.length; k++) {
    const b = at[chain[k]!]! - 1;
    if (b < 0) continue;
    if (a >= 0) {
      const crossAgent = h.agentIds[a] !== h.agentIds[b];
      const uncertaintyUs = !crossAgent ? sameAgentBound(h, a, b)
        : h.mapped ? h.mapped.uncertaintyUs[a]! + h.mapped.uncertaintyUs[b]! : Infinity;
      segments.push({ from: hopPointName(h.points[a]!), to: hopPointName(h.points[b]!), us: times[b]! - times[a]!, uncertaintyUs, crossAgent });
    }
    a = b;
  }
  return segments;
}

/** A step between two agents' clocks that is negative beyond its bound, or whose bound is unknown; a clock beyond the drift limit. */
function flagsOf(segments: readonly Segment[], driftBeyondLimit: boolean): readonly RecordFlag[] {
  let unreconciled = false;
  let unsynchronised = false;
  for (const g of segments) {
    if (!g.crossAgent) continue;
    if (!Number.isFinite(g.uncertaintyUs)) unsynchronised = true;
    else if (g.us < -g.uncertaintyUs) unreconciled = true;
  }
  if (!unreconciled && !unsynchronised && !driftBeyondLimit) return NO_FLAGS;
  return [
    ...(unreconciled ? ['unreconciled' as const] : []),
    ...(unsynchronised ? ['unsynchronised' as const] : []),
    ...(driftBeyondLimit ? ['drift-beyond-limit' as const] : []),
  ];
}

const chainOrder = (ranks: ReadonlyMap<number, number>) => [...ranks.entries()].sort((a, b) => a[1] - b[1]).map(([point]) => point);
const REQUEST_CHAIN = chainOrder(REQUEST_CHAIN_RANK);
const SMETS1_CHAIN = chainOrder(SMETS1_CHAIN_RANK);
const ALERT_CHAIN = chainOrder(ALERT_CHAIN_RANK);

export function buildRecord(input: RecordInput, catalogue: Catalogue): JourneyRecord {
  const m = measure(input.hops);
  const record: Mutable<JourneyRecord> = {
    key: input.key,
    kind: m.kind,
    startedUs: m.startedUs,
    endedUs: m.endedUs,
    outcome: 'success',
    figures: m.figures,
    figureUncertaintyUs: m.figureUncertaintyUs,
    crossAgent: m.crossAgent,
    flags: m.flags,
    segments: m.segments,
    hops: input.hops,
    context: input.context,
    amendments: input.amendments,
  };
  if (input.context.srv !== undefined) record.srv = input.context.srv;
  setOutcome(record, m, input.cause, catalogue);
  return record;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Without the User-side final point, the response code is the latest one stamped (a lab's CSP or CH agent). */
function latestCode(codes: readonly (string | undefined)[] | undefined, times: ArrayLike<number>): string | undefined {
  let code: string | undefined;
  let at = -Infinity;
  codes?.forEach((c, k) => {
    if (c !== undefined && times[k]! >= at) [code, at] = [c, times[k]!];
  });
  return code;
}

function setOutcome(r: Mutable<JourneyRecord>, m: Measurement, cause: CloseCause, catalogue: Catalogue): void {
  // A journey closed by another of join.finalPoints (a deployment without User-side agents) was answered.
  if (!m.hasFinal && cause !== 'final') {
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
