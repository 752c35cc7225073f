// The simulation's options: defaults, one validation pass that names every bad value, then
// frozen. Rates are per second of true time; shares are probabilities in [0, 1].
import { HopwatchError } from '../common/error-codes.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import type { ClockStep } from './agent-clock.js';
import type { DeliveryFaults } from './delivery-faults.js';
import { StubsError } from './errors.js';
import type { AgentRole, ClockSpread, DccUser, Inventory } from './fleet.js';
import { defaultClockSpread, defaultInventory, defaultUsers } from './fleet.js';
import { DEFAULT_MAX_TRUTH_JOURNEYS } from './ground-truth.js';
import type { FailureRates, SlowResponses } from './journey-script.js';
import type { LatencyParameters } from './latency-model.js';
import { defaultLatencyParameters } from './latency-model.js';
import type { TimeProbeOptions } from './time-probes.js';
import type { AlertMixEntry, SrvMixEntry } from './traffic.js';
import { defaultAlertMix, defaultSrvMix } from './traffic.js';

export type SimulationMode = 'realtime' | 'virtual';
export type { DeliveryFaults } from './delivery-faults.js';

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
  /** Drift (ppm) of named agents, in place of their role's spread. */
  readonly clockDrifts: Readonly<Record<string, number>>;
  readonly faults: DeliveryFaults;
  readonly slowResponses: SlowResponses;
  /**
   * Simulated time probes (time-probes.ts). In virtual mode they replace the agents' own
   * probes, which are turned off; in realtime mode the agents' probes stay on beside them.
   */
  readonly timeProbes?: TimeProbeOptions;
  readonly latency: LatencyParameters;
  readonly srvMix: readonly SrvMixEntry[];
  readonly alertMix: readonly AlertMixEntry[];
  readonly users: readonly DccUser[];
  readonly inventory: Inventory;
  readonly agent: AgentTuning;
  /** Broker secrets by agent id, when the collector's broker wants agent credentials (README "Security"). */
  readonly brokerPasswords: Readonly<Record<string, string>>;
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
  readonly clockDrifts?: Readonly<Record<string, number>>;
  readonly faults?: Partial<DeliveryFaults>;
  readonly slowResponses?: Partial<SlowResponses>;
  readonly timeProbes?: TimeProbeOptions;
  readonly latency?: LatencyParameters;
  readonly srvMix?: readonly SrvMixEntry[];
  readonly alertMix?: readonly AlertMixEntry[];
  readonly users?: readonly DccUser[];
  readonly inventory?: Inventory;
  readonly agent?: Partial<AgentTuning>;
  readonly brokerPasswords?: Readonly<Record<string, string>>;
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
  faults: { duplicateRate: 0, reorderRate: 0, reorderMaxMs: 0, lateRate: 0, lateMaxMs: 0 },
  // Slow HAN legs end by 5,500 s, so the whole journey stays inside 4.8.1's 5,600 s TRT.
  slowResponses: { rate: 0, minMs: 60_000, maxMs: 5_500_000, srvs: ['4.8.1'] },
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
    clockDrifts: options.clockDrifts ?? {},
    faults: { ...d.faults, ...options.faults },
    slowResponses: { ...d.slowResponses, ...options.slowResponses },
    ...(options.timeProbes !== undefined ? { timeProbes: options.timeProbes } : {}),
    latency: options.latency ?? defaultLatencyParameters,
    srvMix: options.srvMix ?? defaultSrvMix,
    alertMix: options.alertMix ?? defaultAlertMix,
    users: options.users ?? defaultUsers,
    inventory: options.inventory ?? defaultInventory,
    agent: { ...d.agent, ...options.agent },
    brokerPasswords: options.brokerPasswords ?? {},
    maxTruthJourneys: options.maxTruthJourneys ?? d.maxTruthJourneys,
    logger: options.logger ?? silentLogger,
  };
  const problems = problemsOf(resolved, options);
  if (problems.length > 0) throw new HopwatchError(StubsError.HW_STUBS_OPTIONS.code, `invalid simulation options: ${problems.join('; ')}`);
  return Object.freeze(resolved);
}

/** Each check adds a problem naming the option, its value and the rule it breaks. */
interface Checks {
  check(ok: boolean, name: string, value: unknown, rule: string): void;
  share(name: string, v: number): void;
  atLeast(name: string, v: number, min: number): void;
  /** Keys of `given` that are not options (a misspelt or renamed one would otherwise be ignored). */
  known(name: string, given: object | undefined, names: readonly string[]): void;
}

function problemsOf(o: ResolvedSimulationOptions, given: SimulationOptions): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, name: string, value: unknown, rule: string) => {
    if (!ok) problems.push(`${name} ${JSON.stringify(value) ?? String(value)} ${rule}`);
  };
  const share = (name: string, v: number) => check(v >= 0 && v <= 1, name, v, 'must be between 0 and 1');
  const atLeast = (name: string, v: number, min: number) => check(Number.isFinite(v) && v >= min, name, v, `must be a finite number >= ${min}`);
  const known = (name: string, values: object | undefined, names: readonly string[]) => {
    for (const [key, value] of Object.entries(values ?? {})) if (!names.includes(key)) check(false, `${name}.${key}`, value, `is not an option (${names.join(', ')})`);
  };
  const checks: Checks = { check, share, atLeast, known };
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
  checkFidelityOptions(o, given, checks);
  for (const [role, spread] of Object.entries(o.clocks)) {
    atLeast(`clocks.${role}.maxOffsetMs`, spread.maxOffsetMs, 0);
    atLeast(`clocks.${role}.maxDriftPpm`, spread.maxDriftPpm, 0);
  }
  for (const [agentId, steps] of Object.entries(o.clockSteps)) {
    for (const [i, step] of (Array.isArray(steps) ? steps : []).entries()) {
      check(Number.isFinite(step?.atTrueUs) && Number.isFinite(step?.stepUs), `clockSteps.${agentId}[${i}]`, step, 'must have finite atTrueUs and stepUs (microseconds)');
    }
    check(Array.isArray(steps), `clockSteps.${agentId}`, steps, 'must be a list of steps');
  }
  for (const [agentId, ppm] of Object.entries(o.clockDrifts)) check(Number.isFinite(ppm), `clockDrifts.${agentId}`, ppm, 'must be a finite number (ppm)');
  integer('agent.bufferMaxBytes', o.agent.bufferMaxBytes, 1024 * 1024, Number.MAX_SAFE_INTEGER);
  integer('agent.flushIntervalMs', o.agent.flushIntervalMs, 1, 60_000);
  integer('agent.maxHops', o.agent.maxHops, 1, 65_536);
  integer('maxTruthJourneys', o.maxTruthJourneys, 1, 100_000_000);
  integer('agent.statusIntervalMs', o.agent.statusIntervalMs, 100, Number.MAX_SAFE_INTEGER);
  return problems;
}

/** The options for clock-fidelity work: delivery faults, slow responses, simulated time probes. */
function checkFidelityOptions(o: ResolvedSimulationOptions, given: SimulationOptions, { check, share, atLeast, known }: Checks): void {
  known('faults', given.faults, Object.keys(simulationDefaults.faults));
  share('faults.duplicateRate', o.faults.duplicateRate);
  share('faults.reorderRate', o.faults.reorderRate);
  share('faults.lateRate', o.faults.lateRate);
  check(o.faults.reorderRate + o.faults.lateRate <= 1, 'faults (reorderRate + lateRate)', o.faults.reorderRate + o.faults.lateRate, 'must be at most 1');
  for (const [rate, max] of [['reorderRate', 'reorderMaxMs'], ['lateRate', 'lateMaxMs']] as const) {
    atLeast(`faults.${max}`, o.faults[max], 0);
    check(o.faults[rate] === 0 || o.faults[max] > 0, `faults.${max}`, o.faults[max], `must be > 0 when faults.${rate} is set`);
  }
  const slow = o.slowResponses;
  known('slowResponses', given.slowResponses, Object.keys(simulationDefaults.slowResponses));
  share('slowResponses.rate', slow.rate);
  atLeast('slowResponses.minMs', slow.minMs, 0);
  check(Number.isFinite(slow.maxMs) && slow.maxMs >= slow.minMs, 'slowResponses.maxMs', slow.maxMs, 'must be a finite number >= slowResponses.minMs');
  check(Array.isArray(slow.srvs) && slow.srvs.every((srv) => typeof srv === 'string' && srv.length > 0), 'slowResponses.srvs', slow.srvs, 'must be a list of SRVs');
  if (o.timeProbes === undefined) return;
  known('timeProbes', o.timeProbes, ['intervalMs', 'onSample']);
  check(Number.isFinite(o.timeProbes.intervalMs) && o.timeProbes.intervalMs > 0, 'timeProbes.intervalMs', o.timeProbes.intervalMs, 'must be a finite number > 0');
  check(typeof o.timeProbes.onSample === 'function', 'timeProbes.onSample', typeof o.timeProbes.onSample, 'must be a function');
}
