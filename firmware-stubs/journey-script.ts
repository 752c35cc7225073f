// One journey, planned in advance: which points get stamped, by which agent, at what true
// time, with which response code. The simulation plays the script; the ground truth keeps it.
// Failures follow DUIS: E20 when the CSP cannot reach the CH (nothing reaches the CH or the
// HAN), E21 when the device never answers (the CH gives up and says so), and journeys that
// are simply lost and never get their Service Response.
import { HopPoint } from '../proto/hop-point.js';
import type { AgentRole } from './fleet.js';
import type { LatencyModel, LatencyProfile, LatencySegment } from './latency-model.js';
import type { Random } from './random.js';

export interface ScriptHop {
  readonly point: number;
  readonly role: AgentRole;
  readonly agentId: string;
  readonly trueUs: number;
  readonly code?: string;
}

export type JourneyKind = 'request' | 'alert';
export type RequestFate = 'success' | 'E20' | 'E21' | 'no-response';
export type AlertFate = 'delivered' | 'lost';

export interface JourneyScript {
  /** The correlation key, `originator:target:counter`. */
  readonly key: string;
  readonly kind: JourneyKind;
  /** The SRV, or an alert's alert code. */
  readonly srv: string;
  readonly outcome: 'success' | 'failure';
  /** The final Service Response's code (I0, E20, E21); absent for alerts and lost journeys. */
  readonly code?: string;
  /** Set when the final point is never stamped. */
  readonly reason?: 'no-response';
  /** In true-time order. */
  readonly hops: readonly ScriptHop[];
}

/** Agent ids of the three parties a journey passes through. */
export type JourneyAgents = Readonly<Record<AgentRole, string>>;

export interface RequestPlan {
  readonly key: string;
  readonly srv: string;
  readonly startUs: number;
  readonly profile: LatencyProfile;
  readonly agents: JourneyAgents;
  readonly fate: RequestFate;
  /** Fixes HAN_OUT→HAN_IN (a slow response, see SlowResponses) instead of drawing it. */
  readonly hanUs?: number;
}

export interface AlertPlan {
  readonly key: string;
  readonly alertCode: string;
  readonly raisedUs: number;
  readonly profile: LatencyProfile;
  readonly agents: JourneyAgents;
  readonly fate: AlertFate;
}

export interface FailureRates {
  /** Share of requests answered E20 (CSP cannot reach the CH). */
  readonly e20Rate: number;
  /** Share of requests answered E21 (no response from the device). */
  readonly e21Rate: number;
  /** Share of requests that never get a Service Response. */
  readonly noResponseRate: number;
  /** Share of alerts never delivered to the User. */
  readonly alertLossRate: number;
}

/**
 * Requests whose device takes far longer than usual to answer, e.g. a 4.8.1 profile read of
 * many days, whose TRT has been 5,600 s since SECMP0053: journeys of that class need the
 * collector to keep them open, and same-clock figures to stay right over an hour and more.
 */
export interface SlowResponses {
  /** Share of requests of `srvs` whose HAN leg is slow. */
  readonly rate: number;
  /** The slow HAN leg is uniform in [minMs, maxMs]. */
  readonly minMs: number;
  readonly maxMs: number;
  readonly srvs: readonly string[];
}

/** The HAN leg of a slow response in whole microseconds, or undefined for an ordinary one. */
export function chooseSlowHanUs(slow: SlowResponses, srv: string, random: Random): number | undefined {
  if (slow.rate <= 0 || !slow.srvs.includes(srv) || !random.chance(slow.rate)) return undefined;
  return Math.round(random.uniform(slow.minMs, slow.maxMs) * 1000);
}

export function chooseRequestFate(rates: FailureRates, random: Random): RequestFate {
  let r = random.next();
  if ((r -= rates.e20Rate) < 0) return 'E20';
  if ((r -= rates.e21Rate) < 0) return 'E21';
  if (r < rates.noResponseRate) return 'no-response';
  return 'success';
}

export function chooseAlertFate(rates: FailureRates, random: Random): AlertFate {
  return random.chance(rates.alertLossRate) ? 'lost' : 'delivered';
}

/** Where a lost request stops: the command lost on the WAN, the response lost on the WAN, or the DSP never answering. */
const LOST_AFTER = [HopPoint.CSP_OUT, HopPoint.CH_OUT, HopPoint.DSP_IN] as const;
const LOST_ALERT_AFTER = [HopPoint.ALERT_CH_OUT, HopPoint.ALERT_CSP_IN] as const;

export function scriptRequest(plan: RequestPlan, model: LatencyModel, random: Random): JourneyScript {
  const { agents, profile, fate } = plan;
  const hops: ScriptHop[] = [];
  let t = plan.startUs;
  const add = (point: number, role: AgentRole, code?: string) =>
    hops.push(code === undefined ? { point, role, agentId: agents[role], trueUs: t } : { point, role, agentId: agents[role], trueUs: t, code });
  const after = (segment: LatencySegment) => (t += model.sample(segment, profile, random));

  add(HopPoint.UG_IN, 'gateway');
  const ugInUs = t;
  t = ugInUs + model.sample('ack', profile, random);
  add(HopPoint.UG_ACK, 'gateway', 'I99');
  t = ugInUs;
  after('dspRequest'); add(HopPoint.DSP_OUT, 'gateway');
  after('dspToCsp'); add(HopPoint.CSP_OUT, 'csp');
  if (fate === 'E20') {
    after('cspGiveUp');
  } else {
    after('wanDown'); add(HopPoint.CH_IN, 'rig');
    after('chDown'); add(HopPoint.HAN_OUT, 'rig');
    if (fate === 'E21') {
      after('hanTimeout');
    } else {
      // Drawn even when fixed, so a slow response leaves every later draw as it was.
      const hanUs = model.sample('han', profile, random);
      t += plan.hanUs ?? hanUs;
      add(HopPoint.HAN_IN, 'rig');
      after('chUp');
    }
    add(HopPoint.CH_OUT, 'rig');
    after('wanUp'); add(HopPoint.CSP_IN, 'csp');
  }
  after('cspToDsp'); add(HopPoint.DSP_IN, 'gateway');

  const base = { key: plan.key, kind: 'request', srv: plan.srv } as const;
  if (fate === 'no-response') {
    const lostAfter = random.pick(LOST_AFTER);
    const kept = hops.slice(0, hops.findIndex((h) => h.point === lostAfter) + 1);
    return { ...base, outcome: 'failure', reason: 'no-response', hops: byTime(kept) };
  }
  const code = fate === 'success' ? 'I0' : fate;
  after('dspResponse'); add(HopPoint.UG_OUT, 'gateway', code);
  return { ...base, outcome: fate === 'success' ? 'success' : 'failure', code, hops: byTime(hops) };
}

export function scriptAlert(plan: AlertPlan, model: LatencyModel, random: Random): JourneyScript {
  const { agents, profile } = plan;
  const hops: ScriptHop[] = [];
  let t = plan.raisedUs;
  const add = (point: number, role: AgentRole) => hops.push({ point, role, agentId: agents[role], trueUs: t });
  add(HopPoint.ALERT_RAISED, 'rig');
  t += model.sample('alertRaise', profile, random); add(HopPoint.ALERT_CH_OUT, 'rig');
  t += model.sample('wanUp', profile, random); add(HopPoint.ALERT_CSP_IN, 'csp');
  t += model.sample('alertDelivery', profile, random); add(HopPoint.ALERT_UG_OUT, 'gateway');

  const base = { key: plan.key, kind: 'alert', srv: plan.alertCode } as const;
  if (plan.fate === 'lost') {
    const lostAfter = random.pick(LOST_ALERT_AFTER);
    return { ...base, outcome: 'failure', reason: 'no-response', hops: hops.slice(0, hops.findIndex((h) => h.point === lostAfter) + 1) };
  }
  return { ...base, outcome: 'success', hops };
}

/** UG_ACK is drawn apart from the chain, so it may fall anywhere after UG_IN. */
function byTime(hops: ScriptHop[]): ScriptHop[] {
  return hops.sort((a, b) => a.trueUs - b.trueUs);
}
