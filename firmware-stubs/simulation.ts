// A running simulation: the fleet's real agents, Poisson arrivals of Service Requests and
// alerts, and each journey's script played hop by hop on the scheduler. At each hop's true
// time the responsible agent stamps it through its ordinary stamp() path, reading its own
// simulated clock (or, when a delivery fault holds the hop back, records that same reading
// later); the ground truth receives the journey once its last hop has happened. With
// timeProbes set, simulated time probes run beside the traffic.
import type { Agent } from '../agent/agent.js';
import type { JourneyKey } from '../agent/journey-key.js';
import { HopwatchError } from '../common/error-codes.js';
import type { HopContext } from '../proto/hop-context.js';
import { HopPoint } from '../proto/hop-point.js';
import type { SimulatedClock } from './agent-clock.js';
import { createDeliveryFaults } from './delivery-faults.js';
import { StubsError } from './errors.js';
import type { Device, Fleet } from './fleet.js';
import { createFleet } from './fleet.js';
import { startFleetAgents } from './fleet-agents.js';
import type { GroundTruth } from './ground-truth.js';
import { createGroundTruth } from './ground-truth.js';
import { createHopContexts } from './hop-contexts.js';
import type { JourneyAgents, JourneyScript } from './journey-script.js';
import { chooseAlertFate, chooseRequestFate, chooseSlowHanUs, scriptAlert, scriptRequest } from './journey-script.js';
import type { LatencyProfile } from './latency-model.js';
import { createLatencyModel } from './latency-model.js';
import { createRandom } from './random.js';
import type { Scheduler, VirtualScheduler } from './scheduler.js';
import { createRealtimeScheduler, createVirtualScheduler } from './scheduler.js';
import type { ResolvedSimulationOptions, SimulationMode, SimulationOptions } from './simulation-options.js';
import { resolveSimulationOptions } from './simulation-options.js';
import { startSimulatedProbes } from './time-probes.js';
import { createTraffic } from './traffic.js';

export interface SimulationStats {
  readonly journeysStarted: number;
  readonly requestsStarted: number;
  readonly alertsStarted: number;
  /** Journeys whose every scripted hop has been stamped (they are in the ground truth). */
  readonly journeysCompleted: number;
  /** Hops handed to an agent (a held-back hop counts when it is finally recorded; repeats do not count). */
  readonly hopsStamped: number;
  /** Repeats recorded by the duplicate fault. */
  readonly duplicateHops: number;
  /** Hops recorded after a short hold-back by the reorder fault (counted when recorded). */
  readonly reorderedHops: number;
  /** Hops recorded after a long hold-back by the late fault (counted when recorded). */
  readonly lateHops: number;
  /** Requests whose HAN leg was made slow (slowResponses), among those that reach HAN_IN. */
  readonly slowResponses: number;
  /** Simulated time-probe samples handed to timeProbes.onSample. */
  readonly timeProbeSamples: number;
}

export interface Simulation {
  readonly mode: SimulationMode;
  readonly options: ResolvedSimulationOptions;
  readonly fleet: Fleet;
  readonly groundTruth: GroundTruth;
  readonly agents: ReadonlyMap<string, Agent>;
  readonly clocks: ReadonlyMap<string, SimulatedClock>;
  /** Live counters (the same object, updated as the simulation runs). */
  readonly stats: SimulationStats;
  /** The current true time. */
  nowUs(): number;
  /** Virtual mode: runs `ms` of true time as fast as possible, yielding to I/O as it goes. */
  runFor(ms: number): Promise<void>;
  /** Virtual mode: runs until traffic has ended (durationMs must be finite) and every journey is done. */
  runUntilIdle(): Promise<void>;
  drained(timeoutMs: number): Promise<void>;
  /** Restarts an agent on a new stream (see FleetAgents.restart); journeys in flight go on with the new one. */
  restartAgent(agentId: string): Promise<void>;
  /** Traffic has ended, every journey has played its last hop and every held-back hop has been recorded. */
  idle(): boolean;
  /** Stops traffic, drops the hops not yet due, and closes the agents (buffered batches stay on disk). */
  stop(): Promise<void>;
}

/** Events run between turns of the event loop, so agents can seal, buffer and publish meanwhile. */
const EVENTS_PER_SLICE = 20_000;

interface Running {
  readonly script: JourneyScript;
  readonly key: JourneyKey;
  /** By ROLE_INDEX; looked up at each hop, since an agent may be restarted mid-journey. */
  readonly agentIds: readonly string[];
  readonly clocks: readonly SimulatedClock[];
  readonly contexts: readonly HopContext[];
  next: number;
  readonly step: () => void;
}

const ROLE_INDEX = { gateway: 0, csp: 1, rig: 2 } as const;

/** The agent ids of the fleet these options make, to hand out broker credentials before it starts. */
export function simulationAgentIds(input: SimulationOptions): string[] {
  const options = resolveSimulationOptions(input, Date.now() * 1000);
  return asOptionsError(() => createFleet(options, createRandom(options.seed).fork('fleet'))).agents.map((a) => a.agentId);
}

export function startSimulation(input: SimulationOptions): Simulation {
  const options = resolveSimulationOptions(input, Date.now() * 1000);
  const random = createRandom(options.seed);
  const virtual = options.mode === 'virtual' ? createVirtualScheduler({ startUs: options.startTrueUs }) : undefined;
  const scheduler: Scheduler = virtual ?? createRealtimeScheduler();
  const startUs = scheduler.nowUs();
  const endUs = startUs + options.durationMs * 1000;

  // Fleet and traffic check what the option schema cannot (roles to send each SRV, clock-step agent ids).
  const fleet = asOptionsError(() => createFleet(options, random.fork('fleet')));
  const traffic = asOptionsError(() => createTraffic(fleet, options, random.fork('traffic')));
  const fleetAgents = startFleetAgents(fleet, {
    brokerUrl: options.brokerUrl, brokerPasswords: options.brokerPasswords, dataDir: options.dataDir, startUs, trueNowUs: scheduler.nowUs, tuning: options.agent, logger: options.logger,
    realTimeProbes: options.mode !== 'virtual' || options.timeProbes === undefined,
  });
  const agentOf = (id: string) => fleetAgents.agents.get(id)!;
  const clockOf = (id: string) => fleetAgents.clocks.get(id)!;
  const model = createLatencyModel(options.latency);
  const latencyRandom = random.fork('latency');
  const fateRandom = random.fork('fate');
  const arrivalRandom = random.fork('arrivals');
  const slowRandom = random.fork('slow');
  const nextDelivery = createDeliveryFaults(options.faults, random.fork('faults'));
  const contexts = createHopContexts();
  const groundTruth = createGroundTruth({ maxJourneys: options.maxTruthJourneys });
  const stats = {
    journeysStarted: 0, requestsStarted: 0, alertsStarted: 0, journeysCompleted: 0,
    hopsStamped: 0, duplicateHops: 0, reorderedHops: 0, lateHops: 0, slowResponses: 0, timeProbeSamples: 0,
  };
  /** Held-back hops not recorded yet. */
  let heldBack = 0;
  const idle = () => scheduler.nowUs() >= endUs && stats.journeysStarted === stats.journeysCompleted && heldBack === 0;

  const play = (run: Running) => {
    const hop = run.script.hops[run.next]!;
    const r = ROLE_INDEX[hop.role];
    const agentId = run.agentIds[r]!;
    const ctx = hop.code === undefined ? run.contexts[r]! : contexts.withCode(run.contexts[r]!, hop.code);
    const delivery = nextDelivery();
    const repeat = (timeUs: number) => {
      if (!delivery.duplicate) return;
      agentOf(agentId).record(run.key, hop.point, timeUs, ctx);
      stats.duplicateHops++;
    };
    if (delivery.kind === 'on-time') {
      agentOf(agentId).stamp(run.key, hop.point, ctx);
      stats.hopsStamped++;
      repeat(run.clocks[r]!.readAt(hop.trueUs));
    } else {
      // Read now, recorded later: as if the agent had held the hop back.
      const timeUs = run.clocks[r]!.readAt(hop.trueUs);
      const late = delivery.kind === 'late';
      heldBack++;
      scheduler.at(hop.trueUs + delivery.delayUs, () => {
        heldBack--;
        agentOf(agentId).record(run.key, hop.point, timeUs, ctx);
        stats.hopsStamped++;
        if (late) stats.lateHops++;
        else stats.reorderedHops++;
        repeat(timeUs);
      });
    }
    if (++run.next < run.script.hops.length) {
      scheduler.at(run.script.hops[run.next]!.trueUs, run.step);
    } else {
      groundTruth.add(run.script);
      stats.journeysCompleted++;
    }
  };

  const partiesOf = (device: Device): JourneyAgents => ({
    gateway: fleet.gateway.agentId, csp: fleet.csps[device.rig.cspRegion].agentId, rig: device.rig.agentId,
  });

  const launch = (script: JourneyScript, parties: JourneyAgents, journeyContexts: readonly HopContext[]) => {
    const ids = [parties.gateway, parties.csp, parties.rig];
    const run: Running = {
      script,
      key: agentOf(parties.gateway).key(script.key),
      agentIds: ids,
      clocks: ids.map(clockOf),
      contexts: journeyContexts,
      next: 0,
      step: () => play(run),
    };
    scheduler.at(script.hops[0]!.trueUs, run.step);
    stats.journeysStarted++;
  };

  const startRequest = (trueUs: number) => {
    const { key, srv, user, device } = traffic.nextRequest(trueUs);
    const parties = partiesOf(device);
    const fate = chooseRequestFate(options.failures, fateRandom);
    const profile: LatencyProfile = { ...latencyProfileOf(device), srv };
    const hanUs = chooseSlowHanUs(options.slowResponses, srv, slowRandom);
    const script = scriptRequest({ key, srv, startUs: trueUs, profile, agents: parties, fate, ...(hanUs !== undefined ? { hanUs } : {}) }, model, latencyRandom);
    if (hanUs !== undefined && script.hops.some((h) => h.point === HopPoint.HAN_IN)) stats.slowResponses++;
    // In ROLE_INDEX order: what the gateway, the CSP and the rig each know of the journey.
    launch(script, parties, [contexts.gateway(srv, user.role), contexts.csp(device.rig.cspRegion), contexts.rigRequest(device)]);
    stats.requestsStarted++;
  };

  const startAlert = (trueUs: number) => {
    const { key, alertCode, user, device } = traffic.nextAlert(trueUs);
    const parties = partiesOf(device);
    const fate = chooseAlertFate(options.failures, fateRandom);
    const script = scriptAlert({ key, alertCode, raisedUs: trueUs, profile: latencyProfileOf(device), agents: parties, fate }, model, latencyRandom);
    launch(script, parties, [contexts.gateway(alertCode, user.role), contexts.csp(device.rig.cspRegion), contexts.rigAlert(device, alertCode)]);
    stats.alertsStarted++;
  };

  /** A Poisson process: exponential gaps at `perSecond`, until the end of the run. */
  const arrivals = (perSecond: number, start: (trueUs: number) => void) => {
    if (perSecond <= 0) return;
    const meanGapUs = 1e6 / perSecond;
    const schedule = (fromUs: number) => {
      // Whole microseconds, as hop times are on the wire.
      const atUs = fromUs + Math.max(1, Math.round(arrivalRandom.exponential(meanGapUs)));
      if (atUs >= endUs) return;
      scheduler.at(atUs, () => {
        start(atUs);
        schedule(atUs);
      });
    };
    schedule(startUs);
  };
  arrivals(options.requestsPerSecond, startRequest);
  arrivals(options.alertsPerSecond, startAlert);

  if (options.timeProbes) {
    const { intervalMs, onSample } = options.timeProbes;
    startSimulatedProbes({
      scheduler, model, random: random.fork('probes'), intervalMs,
      agents: fleet.agents.map((a) => ({ agentId: a.agentId, role: a.role, clock: clockOf(a.agentId) })),
      onSample: (agentId, sample) => {
        stats.timeProbeSamples++;
        onSample(agentId, sample);
      },
      // Probes outlive the traffic while journeys are in flight, then stop so the run can go idle.
      active: () => !idle(),
    });
  }

  const needVirtual = (what: string): VirtualScheduler => {
    if (!virtual) throw new RangeError(`${what} drives a virtual simulation; this one runs in real time`);
    return virtual;
  };
  const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));
  let stopped: Promise<void> | undefined;

  return {
    mode: options.mode,
    options,
    fleet,
    groundTruth,
    agents: fleetAgents.agents,
    clocks: fleetAgents.clocks,
    stats,
    nowUs: scheduler.nowUs,
    async runFor(ms) {
      const v = needVirtual('runFor');
      const untilUs = v.nowUs() + ms * 1000;
      for (;;) {
        v.runUntil(untilUs, EVENTS_PER_SLICE);
        const next = v.nextUs();
        if (next === undefined || next > untilUs || stopped) return;
        await yieldToIo();
      }
    },
    async runUntilIdle() {
      const v = needVirtual('runUntilIdle');
      if (!Number.isFinite(options.durationMs)) throw new RangeError('runUntilIdle needs a finite durationMs: traffic never ends otherwise');
      while (v.runUntilIdle(EVENTS_PER_SLICE) === EVENTS_PER_SLICE && !stopped) await yieldToIo();
    },
    drained: (timeoutMs) => fleetAgents.drained(timeoutMs),
    restartAgent: (agentId) => fleetAgents.restart(agentId),
    idle,
    stop() {
      stopped ??= (async () => {
        scheduler.stop();
        await fleetAgents.close();
      })();
      return stopped;
    },
  };
}

function asOptionsError<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new HopwatchError(StubsError.HW_STUBS_OPTIONS.code, `invalid simulation options: ${err.message}`, { cause: err });
  }
}

/** What the latency model draws a device's journeys from. */
export function latencyProfileOf(device: Device): LatencyProfile {
  return {
    deviceType: device.deviceType,
    deviceModel: device.deviceModel,
    firmwareVersion: device.firmwareVersion,
    chFirmwareVersion: device.rig.chFirmwareVersion,
    cspRegion: device.rig.cspRegion,
  };
}
