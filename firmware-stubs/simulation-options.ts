// The simulation's options: defaults, one validation pass that names every bad value, then
// frozen. Rates are per second of true time; shares are probabilities in [0, 1].
import { HopwatchError } from '../common/error-codes.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import type { ClockStep } from './agent-clock.js';
import { StubsError } from './errors.js';
import type { AgentRole, ClockSpread, DccUser, Inventory } from './fleet.js';
import { defaultClockSpread, defaultInventory, defaultUsers } from './fleet.js';
import { DEFAULT_MAX_TRUTH_JOURNEYS } from './ground-truth.js';
import type { FailureRates } from './journey-script.js';
import type { LatencyParameters } from './latency-model.js';
import { defaultLatencyParameters } from './latency-model.js';
import type { AlertMixEntry, SrvMixEntry } from './traffic.js';
import { defaultAlertMix, defaultSrvMix } from './traffic.js';

export type SimulationMode = 'realtime' | 'virtual';

/** Delivery faults for clock-fidelity work: the hop's time is right, its delivery is not. */
export interface DeliveryFaults {
  /** Share of hops recorded a second time with the same time. */
  readonly duplicateRate: number;
  /** Share of hops recorded (with their original agent-clock time) `lateDelayMs` of true time after they happened. */
  readonly lateRate: number;
  readonly lateDelayMs: number;
}

export interface AgentTuning {
  readonly bufferMaxBytes: number;
  readonly flushIntervalMs: number;
  readonly maxHops: number;
  readonly statusIntervalMs: number;
}

export interface ResolvedSimulationOptions {
  readonly brokerUrl: string;
  /** Where the agents keep their SQLite buffers (`<agentId>.buffer.db`). */
  readonly dataDir: string;
  readonly mode: SimulationMode;
  readonly seed: number;
  readonly rigs: number;
  readonly requestsPerSecond: number;
  readonly alertsPerSecond: number;
  /** True time during which new journeys start; journeys in flight at the end still finish. */
  readonly durationMs: number;
  /** Virtual mode only; realtime starts now. */
  readonly startTrueUs: number;
  readonly failures: FailureRates;
  readonly clocks: Readonly<Record<AgentRole, ClockSpread>>;
  readonly clockSteps: Readonly<Record<string, readonly ClockStep[]>>;
  readonly faults: DeliveryFaults;
  readonly latency: LatencyParameters;
  readonly srvMix: readonly SrvMixEntry[];
  readonly alertMix: readonly AlertMixEntry[];
  readonly users: readonly DccUser[];
  readonly inventory: Inventory;
  readonly agent: AgentTuning;
  /** Bound on the ground truth; the oldest journeys make room (see GroundTruth.evicted). */
  readonly maxTruthJourneys: number;
  readonly logger: Logger;
}

/** Everything but brokerUrl and dataDir is optional; see simulationDefaults and ResolvedSimulationOptions. */
export interface SimulationOptions {
  readonly brokerUrl: string;
  readonly dataDir: string;
  readonly mode?: SimulationMode;
  readonly seed?: number;
  readonly rigs?: number;
  readonly requestsPerSecond?: number;
  readonly alertsPerSecond?: number;
  readonly durationMs?: number;
  readonly startTrueUs?: number;
  readonly failures?: Partial<FailureRates>;
  readonly clocks?: Partial<Record<AgentRole, ClockSpread>>;
  readonly clockSteps?: Readonly<Record<string, readonly ClockStep[]>>;
  readonly faults?: Partial<DeliveryFaults>;
  readonly latency?: LatencyParameters;
  readonly srvMix?: readonly SrvMixEntry[];
  readonly alertMix?: readonly AlertMixEntry[];
  readonly users?: readonly DccUser[];
  readonly inventory?: Inventory;
  readonly agent?: Partial<AgentTuning>;
  readonly maxTruthJourneys?: number;
  readonly logger?: Logger;
}

export const simulationDefaults = {
  mode: 'realtime',
  seed: 1,
  rigs: 12,
  requestsPerSecond: 5,
  alertsPerSecond: 0.5,
  durationMs: Number.POSITIVE_INFINITY,
  failures: { e20Rate: 0.01, e21Rate: 0.02, noResponseRate: 0.005, alertLossRate: 0.005 },
  faults: { duplicateRate: 0, lateRate: 0, lateDelayMs: 0 },
  agent: { bufferMaxBytes: 64 * 1024 * 1024, flushIntervalMs: 100, maxHops: 4096, statusIntervalMs: 10_000 },
  maxTruthJourneys: DEFAULT_MAX_TRUTH_JOURNEYS,
} as const satisfies Partial<ResolvedSimulationOptions>;

/** Applies the defaults and checks every value; throws HW_STUBS_OPTIONS naming each bad one. */
export function resolveSimulationOptions(options: SimulationOptions, wallNowUs: number): ResolvedSimulationOptions {
  const d = simulationDefaults;
  const resolved: ResolvedSimulationOptions = {
    brokerUrl: options.brokerUrl,
    dataDir: options.dataDir,
    mode: options.mode ?? d.mode,
    seed: options.seed ?? d.seed,
    rigs: options.rigs ?? d.rigs,
    requestsPerSecond: options.requestsPerSecond ?? d.requestsPerSecond,
    alertsPerSecond: options.alertsPerSecond ?? d.alertsPerSecond,
    durationMs: options.durationMs ?? d.durationMs,
    startTrueUs: options.startTrueUs ?? Math.round(wallNowUs),
    failures: { ...d.failures, ...options.failures },
    clocks: { ...defaultClockSpread, ...options.clocks },
    clockSteps: options.clockSteps ?? {},
    faults: { ...d.faults, ...options.faults },
    latency: options.latency ?? defaultLatencyParameters,
    srvMix: options.srvMix ?? defaultSrvMix,
    alertMix: options.alertMix ?? defaultAlertMix,
    users: options.users ?? defaultUsers,
    inventory: options.inventory ?? defaultInventory,
    agent: { ...d.agent, ...options.agent },
    maxTruthJourneys: options.maxTruthJourneys ?? d.maxTruthJourneys,
    logger: options.logger ?? silentLogger,
  };
  const problems = problemsOf(resolved, options);
  if (problems.length > 0) throw new HopwatchError(StubsError.HW_STUBS_OPTIONS.code, `invalid simulation options: ${problems.join('; ')}`);
  return Object.freeze(resolved);
}

function problemsOf(o: ResolvedSimulationOptions, given: SimulationOptions): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, name: string, value: unknown, rule: string) => {
    if (!ok) problems.push(`${name} ${JSON.stringify(value) ?? String(value)} ${rule}`);
  };
  const share = (name: string, v: number) => check(v >= 0 && v <= 1, name, v, 'must be between 0 and 1');
  const atLeast = (name: string, v: number, min: number) => check(Number.isFinite(v) && v >= min, name, v, `must be a finite number >= ${min}`);
  const integer = (name: string, v: number, min: number, max: number) =>
    check(Number.isInteger(v) && v >= min && v <= max, name, v, `must be an integer from ${min} to ${max}`);

  check(/^mqtts?:\/\//.test(o.brokerUrl), 'brokerUrl', o.brokerUrl, 'must start with mqtt:// or mqtts://');
  check(typeof o.dataDir === 'string' && o.dataDir.length > 0, 'dataDir', o.dataDir, 'must name a directory');
  check(o.mode === 'realtime' || o.mode === 'virtual', 'mode', o.mode, 'must be "realtime" or "virtual"');
  check(o.mode === 'virtual' || given.startTrueUs === undefined, 'startTrueUs', given.startTrueUs, 'applies to virtual mode only (realtime true time is wall time)');
  integer('seed', o.seed, 0, 0xffffffff);
  integer('rigs', o.rigs, 1, 65_535);
  atLeast('requestsPerSecond', o.requestsPerSecond, 0);
  atLeast('alertsPerSecond', o.alertsPerSecond, 0);
  check(o.durationMs >= 0, 'durationMs', o.durationMs, 'must be >= 0 (Infinity: until stopped)');
  atLeast('startTrueUs', o.startTrueUs, 0);
  for (const [name, v] of Object.entries(o.failures)) share(`failures.${name}`, v);
  const requestFailures = o.failures.e20Rate + o.failures.e21Rate + o.failures.noResponseRate;
  check(requestFailures <= 1, 'failures (e20Rate + e21Rate + noResponseRate)', requestFailures, 'must be at most 1');
  share('faults.duplicateRate', o.faults.duplicateRate);
  share('faults.lateRate', o.faults.lateRate);
  atLeast('faults.lateDelayMs', o.faults.lateDelayMs, 0);
  check(o.faults.lateRate === 0 || o.faults.lateDelayMs > 0, 'faults.lateDelayMs', o.faults.lateDelayMs, 'must be > 0 when faults.lateRate is set');
  for (const [role, spread] of Object.entries(o.clocks)) {
    atLeast(`clocks.${role}.maxOffsetMs`, spread.maxOffsetMs, 0);
    atLeast(`clocks.${role}.maxDriftPpm`, spread.maxDriftPpm, 0);
  }
  integer('agent.bufferMaxBytes', o.agent.bufferMaxBytes, 1024 * 1024, Number.MAX_SAFE_INTEGER);
  integer('agent.flushIntervalMs', o.agent.flushIntervalMs, 1, 60_000);
  integer('agent.maxHops', o.agent.maxHops, 1, 65_536);
  integer('maxTruthJourneys', o.maxTruthJourneys, 1, 100_000_000);
  integer('agent.statusIntervalMs', o.agent.statusIntervalMs, 100, Number.MAX_SAFE_INTEGER);
  return problems;
}
