// Hop points, by name and number (proto/hopwatch.proto is the source of the numbers), and
// their order along a journey, which defines the segments between consecutive points.
import { WireHopPoint } from './wire.js';

export const HOP_POINT_NAMES = [
  'UG_IN', 'DSP_OUT', 'CSP_OUT', 'CH_IN', 'HAN_OUT', 'HAN_IN', 'CH_OUT', 'CSP_IN', 'DSP_IN',
  'UG_ACK', 'UG_OUT', 'S1SP_OUT', 'S1SP_IN',
  'ALERT_RAISED', 'ALERT_CH_OUT', 'ALERT_CSP_IN', 'ALERT_UG_OUT',
] as const;

export type HopPointName = (typeof HOP_POINT_NAMES)[number];

/** Point numbers run 1..HOP_POINT_COUNT; 0 is "unspecified" on the wire and never valid. */
export const HOP_POINT_COUNT = HOP_POINT_NAMES.length;

export const HopPoint: Readonly<Record<HopPointName, number>> = Object.freeze(
  Object.fromEntries(HOP_POINT_NAMES.map((name) => [name, WireHopPoint[name] as number])) as Record<HopPointName, number>,
);

const nameByNumber: readonly string[] = (() => {
  const names: string[] = [];
  for (const name of HOP_POINT_NAMES) names[HopPoint[name]] = name;
  return names;
})();

export function isHopPoint(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= HOP_POINT_COUNT;
}

export function hopPointName(point: number): HopPointName {
  const name = nameByNumber[point];
  if (name === undefined) throw new RangeError(`not a hop point: ${point}`);
  return name as HopPointName;
}

export function hopPointByName(name: string): number | undefined {
  return (HopPoint as Record<string, number>)[name];
}

/**
 * Rank of each point along its chain; consecutive ranked points make the segments.
 * SMETS1 journeys use S1SP_OUT/S1SP_IN where SMETS2+ go through CSP, CH and HAN.
 * UG_ACK is not on the chain: the acknowledgement time is a figure of its own.
 */
const requestChain: readonly HopPointName[] = [
  'UG_IN', 'DSP_OUT', 'CSP_OUT', 'CH_IN', 'HAN_OUT', 'HAN_IN', 'CH_OUT', 'CSP_IN', 'DSP_IN', 'UG_OUT',
];
const smets1Chain: readonly HopPointName[] = ['UG_IN', 'DSP_OUT', 'S1SP_OUT', 'S1SP_IN', 'DSP_IN', 'UG_OUT'];
const alertChain: readonly HopPointName[] = ['ALERT_RAISED', 'ALERT_CH_OUT', 'ALERT_CSP_IN', 'ALERT_UG_OUT'];

function ranks(chain: readonly HopPointName[]): ReadonlyMap<number, number> {
  return new Map(chain.map((name, rank) => [HopPoint[name], rank]));
}

export const REQUEST_CHAIN_RANK = ranks(requestChain);
export const SMETS1_CHAIN_RANK = ranks(smets1Chain);
export const ALERT_CHAIN_RANK = ranks(alertChain);

export function isAlertPoint(point: number): boolean {
  return ALERT_CHAIN_RANK.has(point);
}

export function isSmets1Point(point: number): boolean {
  return point === HopPoint.S1SP_OUT || point === HopPoint.S1SP_IN;
}
