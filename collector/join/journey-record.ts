// A completed journey as hopwatch reports it: figures, segments, outcome. Built from
// the hops alone, so a stored record can be rebuilt when a late hop amends it.
import type { JourneyContext } from '../../proto/hop-context.js';
import type { HopPointName } from '../../proto/hop-point.js';
import {
  ALERT_CHAIN_RANK, HopPoint, hopPointName, isAlertPoint, isSmets1Point, REQUEST_CHAIN_RANK, SMETS1_CHAIN_RANK,
} from '../../proto/hop-point.js';
import type { Catalogue } from '../metrics/catalogue.js';

export interface RecordHop {
  readonly point: number;
  readonly agentId: string;
  readonly timeUs: number;
  readonly code?: string;
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
  readonly segments: readonly Segment[];
  readonly hops: readonly RecordHop[];
  readonly context: JourneyContext;
  /** How many times hops arriving after completion changed this record. */
  readonly amendments: number;
}

export type CloseCause = 'final' | 'timeout';

export interface RecordInput {
  readonly key: string;
  readonly hops: readonly RecordHop[];
  readonly context: JourneyContext;
  readonly cause: CloseCause;
  readonly amendments: number;
}

interface Span {
  readonly us: number;
  readonly cross: boolean;
}

/** What the hops alone say: kind, figures, segments, start and end. */
export interface Measurement {
  readonly kind: JourneyKind;
  readonly startedUs: number;
  readonly endedUs: number;
  readonly figures: Figures;
  readonly crossAgent: readonly FigureName[];
  readonly segments: readonly Segment[];
  readonly hops: readonly RecordHop[];
  /** The final point (UG_OUT, ALERT_UG_OUT), if stamped. */
  readonly final?: RecordHop;
}

export function measureHops(unsorted: readonly RecordHop[]): Measurement {
  const hops = [...unsorted].sort((a, b) => a.timeUs - b.timeUs || a.point - b.point);
  const at = new Map(hops.map((h) => [h.point, h]));
  const span = (from: number, to: number): Span | undefined => {
    const a = at.get(from);
    const b = at.get(to);
    return a && b ? { us: b.timeUs - a.timeUs, cross: a.agentId !== b.agentId } : undefined;
  };
  const minus = (a: Span | undefined, b: Span | undefined): Span | undefined =>
    a && b ? { us: a.us - b.us, cross: a.cross || b.cross } : undefined;

  const kind: JourneyKind = hops.some((h) => isAlertPoint(h.point)) ? 'alert' : 'request';
  const smets1 = hops.some((h) => isSmets1Point(h.point));
  const rtt = span(HopPoint.UG_IN, HopPoint.UG_OUT);
  // HAN-exclusive DCC time: SMETS2+ leaves out the HAN and device; SMETS1 what lies beyond the S1SP.
  const han = smets1 ? span(HopPoint.S1SP_OUT, HopPoint.S1SP_IN) : span(HopPoint.HAN_OUT, HopPoint.HAN_IN);
  const spans: Partial<Record<FigureName, Span>> = {
    rttUs: rtt,
    dccUs: minus(rtt, han),
    hanUs: han,
    ackUs: span(HopPoint.UG_IN, HopPoint.UG_ACK),
    cspRoundTripUs: span(HopPoint.CSP_OUT, HopPoint.CSP_IN),
    chResidenceUs: minus(span(HopPoint.CH_IN, HopPoint.CH_OUT), han),
    alertDeliveryUs: span(HopPoint.ALERT_RAISED, HopPoint.ALERT_UG_OUT),
  };
  const figures: Figures = {};
  const crossAgent: FigureName[] = [];
  for (const name of FIGURE_NAMES) {
    const s = spans[name];
    if (!s) continue;
    figures[name] = s.us;
    if (s.cross) crossAgent.push(name);
  }

  const chain = kind === 'alert' ? ALERT_CHAIN_RANK : smets1 ? SMETS1_CHAIN_RANK : REQUEST_CHAIN_RANK;
  const onChain = hops.filter((h) => chain.has(h.point)).sort((a, b) => chain.get(a.point)! - chain.get(b.point)!);
  const segments: Segment[] = [];
  for (let i = 1; i < onChain.length; i++) {
    const a = onChain[i - 1]!;
    const b = onChain[i]!;
    segments.push({ from: hopPointName(a.point), to: hopPointName(b.point), us: b.timeUs - a.timeUs, crossAgent: a.agentId !== b.agentId });
  }

  const first = at.get(kind === 'alert' ? HopPoint.ALERT_RAISED : HopPoint.UG_IN) ?? hops[0]!;
  const final = at.get(kind === 'alert' ? HopPoint.ALERT_UG_OUT : HopPoint.UG_OUT);
  const last = final ?? hops[hops.length - 1]!;
  return { kind, startedUs: first.timeUs, endedUs: last.timeUs, figures, crossAgent, segments, hops, ...(final ? { final } : {}) };
}

export function buildRecord(input: RecordInput, catalogue: Catalogue): JourneyRecord {
  const m = measureHops(input.hops);
  return {
    key: input.key,
    kind: m.kind,
    ...(input.context.srv !== undefined ? { srv: input.context.srv } : {}),
    startedUs: m.startedUs,
    endedUs: m.endedUs,
    ...outcomeOf(m.final, input.cause, catalogue),
    figures: m.figures,
    crossAgent: m.crossAgent,
    segments: m.segments,
    hops: m.hops,
    context: input.context,
    amendments: input.amendments,
  };
}

function outcomeOf(final: RecordHop | undefined, cause: CloseCause, catalogue: Catalogue): { outcome: Outcome; code?: string; reason?: string } {
  if (!final) return { outcome: 'failure', reason: cause === 'timeout' ? 'no-response' : 'incomplete' };
  if (final.code === undefined) return { outcome: 'success' };
  const entry = catalogue.code(final.code);
  if (!entry) return { outcome: 'failure', code: final.code, reason: 'unknown-code' };
  if (entry.outcome === 'failure') return { outcome: 'failure', code: final.code, reason: entry.reason ?? 'failure' };
  return { outcome: 'success', code: final.code };
}
