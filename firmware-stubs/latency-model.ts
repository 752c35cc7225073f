// How long each leg of a simulated journey takes. Every figure is a lognormal (median,
// sigma of its logarithm): latencies are positive with a long right tail. WAN legs may
// also retransmit, adding a whole second draw, which gives the heavier tail radio links
// show. The numbers are plausible shapes for a lab, not measurements of the real DCC:
// what matters is that regions, device types, models and firmware visibly differ, so
// hopwatch's split (DSP, CSP/WAN, CH, HAN) has something to find.
import type { CspRegionName } from '../proto/hop-context.js';
import type { AgentRole } from './fleet.js';
import type { Random } from './random.js';

export interface Lognormal {
  readonly medianMs: number;
  /** Standard deviation of the logarithm: 0.3 is tight, 0.6 is wide. */
  readonly sigma: number;
}

export type HanDeviceType = 'ESME' | 'GSME';

/** One agent's network path to the collector: agent to collector (up) and back (down). */
export interface ProbePath {
  readonly up: Lognormal;
  readonly down: Lognormal;
}

/** Time probes: each role's path to the collector, and the collector's time to answer. */
export interface ProbeParameters {
  readonly paths: Readonly<Record<AgentRole, ProbePath>>;
  /** t2 to t3: the collector reading its clock twice around building the answer. */
  readonly service: Lognormal;
}

export interface LatencyParameters {
  /** DCC User Gateway and DSP: UG_IN→UG_ACK, UG_IN→DSP_OUT, DSP_IN→UG_OUT. */
  readonly dsp: { readonly ack: Lognormal; readonly request: Lognormal; readonly response: Lognormal };
  /** DSP↔CSP hand-over: DSP_OUT→CSP_OUT and CSP_IN→DSP_IN. */
  readonly dspCsp: { readonly down: Lognormal; readonly up: Lognormal };
  /** CSP_OUT→CH_IN (down) and CH_OUT→CSP_IN (up); `retryChance` of each leg adds a retransmission. */
  readonly wan: Readonly<Record<CspRegionName, { readonly down: Lognormal; readonly up: Lognormal; readonly retryChance: number }>>;
  /**
   * CH_IN→HAN_OUT (down) and HAN_IN→CH_OUT (up), times the CH firmware's factor; the CH's
   * firmware also runs its side of the HAN (radio stack, retries, the GPF's polling of a GSME),
   * so the HAN leg takes its `hanFactor` too.
   */
  readonly ch: { readonly down: Lognormal; readonly up: Lognormal; readonly firmwareFactor: Readonly<Record<string, number>>; readonly hanFactor: Readonly<Record<string, number>> };
  /** HAN_OUT→HAN_IN: the HAN and the device, times the SRV, model and firmware factors. */
  readonly han: Readonly<Record<HanDeviceType, Lognormal>>;
  /** Work the device does for an SRV, relative to a register read. */
  readonly srvFactor: Readonly<Record<string, number>>;
  readonly deviceModelFactor: Readonly<Record<string, number>>;
  /** Keyed `model/firmwareVersion`. */
  readonly deviceFirmwareFactor: Readonly<Record<string, number>>;
  /** E20: CSP_OUT→DSP_IN while the CSP retries an unreachable CH and gives up. */
  readonly cspGiveUp: Lognormal;
  /** E21: HAN_OUT→CH_OUT while the CH waits for a device that never answers. */
  readonly hanTimeout: Lognormal;
  /** Alerts: ALERT_RAISED→ALERT_CH_OUT (device to CH over the HAN, then the CH). */
  readonly alertRaise: Readonly<Record<HanDeviceType, Lognormal>>;
  /** Alerts: ALERT_CSP_IN→ALERT_UG_OUT (CSP to DSP to the User). The WAN leg is wan[region].up. */
  readonly alertDelivery: Lognormal;
  /** Simulated time probes (see time-probes.ts); defaultProbeParameters when absent. */
  readonly probe?: ProbeParameters;
}

const ln = (medianMs: number, sigma: number): Lognormal => ({ medianMs, sigma });

/**
 * Gateway and CSP agents sit in data centres a couple of milliseconds from the collector;
 * rigs sit in labs that reach it over the internet. Every path is asymmetric (routes and
 * queues differ each way), which is what biases a probe's offset by (up - down) / 2: the
 * collector can only bound that error by half the round trip, never remove it.
 */
export const defaultProbeParameters: ProbeParameters = {
  paths: {
    gateway: { up: ln(2, 0.3), down: ln(3, 0.3) },
    csp: { up: ln(3, 0.35), down: ln(2, 0.35) },
    rig: { up: ln(16, 0.45), down: ln(24, 0.45) },
  },
  service: ln(0.05, 0.5),
};

export const defaultLatencyParameters: LatencyParameters = {
  dsp: { ack: ln(80, 0.5), request: ln(150, 0.4), response: ln(60, 0.4) },
  dspCsp: { down: ln(40, 0.4), up: ln(40, 0.4) },
  wan: {
    // Long-range radio: slow, and the uplink (CH to base station) slower still.
    NORTH: { down: ln(2200, 0.45), up: ln(2800, 0.5), retryChance: 0.05 },
    // Cellular with mesh: hundreds of ms, up to a couple of seconds through the mesh.
    CENTRAL: { down: ln(450, 0.5), up: ln(650, 0.55), retryChance: 0.02 },
    SOUTH: { down: ln(550, 0.55), up: ln(800, 0.6), retryChance: 0.03 },
  },
  ch: {
    down: ln(35, 0.3),
    up: ln(25, 0.3),
    firmwareFactor: { 'CHF-1.2.0': 1.3, 'CHF-1.3.1': 1.0, 'CHF-1.4.0': 0.75 },
    hanFactor: { 'CHF-1.2.0': 1.2, 'CHF-1.3.1': 1.0, 'CHF-1.4.0': 0.85 },
  },
  // GSME answers through the GPF and wakes on its own schedule (battery powered).
  han: { ESME: ln(900, 0.35), GSME: ln(3500, 0.4) },
  srvFactor: { '4.8.1': 2.5, '4.6.1': 1.6, '4.17': 1.5, '6.13': 1.8, '8.1.1': 1.4, '1.1.1': 1.3, '2.2': 1.1 },
  deviceModelFactor: { 'EM-A1': 1.0, 'EM-B2': 1.2, 'EM-C3': 0.9, 'GM-A1': 1.0, 'GM-B2': 1.3 },
  deviceFirmwareFactor: { 'EM-A1/2.1.0': 1.15, 'EM-B2/3.0.4': 1.25, 'GM-B2/1.0.9': 1.2 },
  cspGiveUp: ln(25_000, 0.15),
  hanTimeout: ln(12_000, 0.05),
  alertRaise: { ESME: ln(400, 0.4), GSME: ln(1800, 0.45) },
  alertDelivery: ln(250, 0.5),
  probe: defaultProbeParameters,
};

/** What the latencies depend on: one device on one rig, and the SRV when there is one. */
export interface LatencyProfile {
  readonly srv?: string;
  readonly deviceType: HanDeviceType;
  readonly deviceModel: string;
  readonly firmwareVersion: string;
  readonly chFirmwareVersion: string;
  readonly cspRegion: CspRegionName;
}

export const LATENCY_SEGMENTS = [
  'ack', 'dspRequest', 'dspToCsp', 'wanDown', 'chDown', 'han', 'chUp', 'wanUp', 'cspToDsp', 'dspResponse',
  'cspGiveUp', 'hanTimeout', 'alertRaise', 'alertDelivery',
] as const;
export type LatencySegment = (typeof LATENCY_SEGMENTS)[number];

export type ProbeLeg = 'up' | 'down' | 'service';

export interface LatencyModel {
  /** One draw for `segment`, in whole microseconds (at least 1). */
  sample(segment: LatencySegment, profile: LatencyProfile, random: Random): number;
  /** One draw of a time probe's leg for an agent of `role`, in microseconds (at least 1; fractions kept, as clocks read them). */
  probe(role: AgentRole, leg: ProbeLeg, random: Random): number;
  readonly parameters: LatencyParameters;
}

export function createLatencyModel(parameters: LatencyParameters = defaultLatencyParameters): LatencyModel {
  const p = parameters;
  const draw = (d: Lognormal, random: Random, factor = 1) => random.lognormal(d.medianMs * factor, d.sigma);
  const factorOf = (table: Readonly<Record<string, number>>, name: string | undefined) => (name === undefined ? 1 : table[name] ?? 1);
  const wan = (profile: LatencyProfile, up: boolean, random: Random) => {
    const region = p.wan[profile.cspRegion];
    const leg = up ? region.up : region.down;
    let ms = draw(leg, random);
    if (random.chance(region.retryChance)) ms += draw(leg, random);
    return ms;
  };
  const device = (profile: LatencyProfile) =>
    factorOf(p.deviceModelFactor, profile.deviceModel) * factorOf(p.deviceFirmwareFactor, `${profile.deviceModel}/${profile.firmwareVersion}`);

  const sampleMs = (segment: LatencySegment, profile: LatencyProfile, random: Random): number => {
    switch (segment) {
      case 'ack': return draw(p.dsp.ack, random);
      case 'dspRequest': return draw(p.dsp.request, random);
      case 'dspToCsp': return draw(p.dspCsp.down, random);
      case 'wanDown': return wan(profile, false, random);
      case 'chDown': return draw(p.ch.down, random, factorOf(p.ch.firmwareFactor, profile.chFirmwareVersion));
      case 'han': return draw(p.han[profile.deviceType], random, factorOf(p.srvFactor, profile.srv) * device(profile) * factorOf(p.ch.hanFactor, profile.chFirmwareVersion));
      case 'chUp': return draw(p.ch.up, random, factorOf(p.ch.firmwareFactor, profile.chFirmwareVersion));
      case 'wanUp': return wan(profile, true, random);
      case 'cspToDsp': return draw(p.dspCsp.up, random);
      case 'dspResponse': return draw(p.dsp.response, random);
      case 'cspGiveUp': return draw(p.cspGiveUp, random);
      case 'hanTimeout': return draw(p.hanTimeout, random);
      case 'alertRaise': return draw(p.alertRaise[profile.deviceType], random, device(profile));
      case 'alertDelivery': return draw(p.alertDelivery, random);
    }
  };

  return {
    parameters,
    // Whole microseconds keep true times integers, as hop times are on the wire.
    sample: (segment, profile, random) => Math.max(1, Math.round(sampleMs(segment, profile, random) * 1000)),
    probe(role, leg, random) {
      const probe = p.probe ?? defaultProbeParameters;
      return Math.max(1, draw(leg === 'service' ? probe.service : probe.paths[role][leg], random) * 1000);
    },
  };
}
