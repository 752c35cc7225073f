// Synthetic journeys for benchmarks: every journey stamps the full SMETS2 chain (11 points)
// across a gateway, a CSP and a CH-rig agent, at real time, spread over ~3.6 s like a real
// on-demand SR, so that open journeys span many batches. A time wheel of 10 ms slots keeps
// the generator's own cost per hop to a few tens of nanoseconds.
import type { Agent } from '../agent/agent.js';
import { JourneyKey } from '../agent/journey-key.js';
import type { HopContext } from '../proto/hop-context.js';
import { HopPoint, type HopPointName } from '../proto/hop-point.js';

export interface TrafficGroup {
  readonly gateway: Agent;
  readonly csp: Agent;
  readonly rig: Agent;
}

/** The chain: which agent stamps each point, and when (ms after UG_IN). */
const CHAIN: readonly [keyof TrafficGroup, HopPointName, number][] = [
  ['gateway', 'UG_IN', 0], ['gateway', 'UG_ACK', 60], ['gateway', 'DSP_OUT', 150], ['csp', 'CSP_OUT', 300],
  ['rig', 'CH_IN', 1300], ['rig', 'HAN_OUT', 1340], ['rig', 'HAN_IN', 2400], ['rig', 'CH_OUT', 2440],
  ['csp', 'CSP_IN', 3400], ['gateway', 'DSP_IN', 3550], ['gateway', 'UG_OUT', 3650],
];
export const HOPS_PER_JOURNEY = CHAIN.length;
const SLOT_MS = 10;
const SLOTS = Math.ceil(4000 / SLOT_MS) + 1;

const SRVS = ['4.1.1', '4.8.1', '1.1.1', '2.2', '6.2.7'];
const gatewayContexts: HopContext[] = SRVS.map((srv) => ({ srv, userRole: 'IS' }));
const cspContexts: HopContext[] = [{ cspRegion: 'NORTH' }, { cspRegion: 'CENTRAL' }, { cspRegion: 'SOUTH' }];
const rigContexts: HopContext[] = [
  { deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion: '2.1.0', chFirmwareVersion: 'CH-4.2', smetsGeneration: 'SMETS2' },
  { deviceType: 'GSME', deviceModel: 'GM-G3', firmwareVersion: '1.4.2', chFirmwareVersion: 'CH-4.2', smetsGeneration: 'SMETS2' },
];
const ACK: HopContext = { code: 'I99' };
const FINAL: HopContext = { code: 'I0' };

export interface TrafficOptions {
  readonly groups: readonly TrafficGroup[];
  readonly hopsPerSecond: number;
  /** Devices per group; each journey targets one, round robin. */
  readonly devicesPerGroup: number;
  /** Called for each journey's final stamp with the wall time (ms) it was stamped. */
  readonly onFinal?: (key: JourneyKey, atMs: number) => void;
}

export interface Traffic {
  /** Stamps everything due up to now; returns the number of hops stamped. */
  pump(nowMs: number): number;
  /** Stops starting journeys; pump() finishes the ones under way. */
  stopStarting(): void;
  readonly started: number;
  readonly stamped: number;
  readonly idle: boolean;
}

export function createTraffic(options: TrafficOptions, startMs: number): Traffic {
  const wheel: { key: JourneyKey; group: number; step: number; ctx: number }[][] = Array.from({ length: SLOTS }, () => []);
  let cursorMs = startMs;
  let started = 0;
  let stamped = 0;
  let starting = true;
  let pending = 0;
  const journeysPerMs = options.hopsPerSecond / HOPS_PER_JOURNEY / 1000;
  let owed = 0;
  let counter = BigInt(startMs) * 1000n;

  const slotOf = (ms: number) => Math.floor(ms / SLOT_MS) % SLOTS;

  const startJourney = (atMs: number) => {
    const n = started++;
    const group = n % options.groups.length;
    const device = Math.floor(n / options.groups.length) % options.devicesPerGroup;
    const key = new JourneyKey({
      originator: { hi: 0x90b3d51f, lo: 0x30010000 + (n % 4) },
      target: { hi: 0x00db1234, lo: (group << 20) + device },
      counter: counter++,
    });
    for (let step = 0; step < CHAIN.length; step++) {
      wheel[slotOf(atMs + CHAIN[step]![2])]!.push({ key, group, step, ctx: n });
      pending++;
    }
  };

  const stampOne = (e: { key: JourneyKey; group: number; step: number; ctx: number }, nowMs: number) => {
    const [role, point] = CHAIN[e.step]!;
    const agent = options.groups[e.group]![role];
    const ctx = point === 'UG_IN' ? gatewayContexts[e.ctx % gatewayContexts.length]
      : point === 'CSP_OUT' ? cspContexts[e.group % cspContexts.length]
        : point === 'CH_IN' ? rigContexts[e.ctx % rigContexts.length]
          : point === 'UG_ACK' ? ACK : point === 'UG_OUT' ? FINAL : undefined;
    agent.stamp(e.key, HopPoint[point], ctx);
    if (point === 'UG_OUT') options.onFinal?.(e.key, nowMs);
  };

  return {
    pump(nowMs) {
      let n = 0;
      while (cursorMs <= nowMs) {
        if (starting) {
          owed += journeysPerMs * SLOT_MS;
          for (; owed >= 1; owed--) startJourney(cursorMs);
        }
        const slot = wheel[slotOf(cursorMs)]!;
        for (const e of slot) stampOne(e, nowMs);
        n += slot.length;
        pending -= slot.length;
        slot.length = 0;
        cursorMs += SLOT_MS;
      }
      stamped += n;
      return n;
    },
    stopStarting() {
      starting = false;
    },
    get started() {
      return started;
    },
    get stamped() {
      return stamped;
    },
    get idle() {
      return pending === 0;
    },
  };
}
