// The fidelity benchmark (issue 3): the firmware stubs, with known ground truth, drive a real
// in-process collector under the conditions hopwatch must survive (clock offsets and drift,
// a wall-clock step, asymmetric paths, duplicated, reordered and late hops, journeys of the
// 5,600 s class), and every record is compared with what really happened.
//
// Time: the simulation runs in virtual time and the collector's clock is true time, so its
// view of "now" (arrivals, windows, time-outs) is exact. Virtual time advances in steps;
// after each, the run waits until the step's time samples are acknowledged, then moves the
// collector's clock to the step's end, waits until every agent's batches are acknowledged
// and ticks the collector at the new time. Arrivals never lag true time by more than a step,
// and no record is written at a step's time before that step's samples are in: the same
// seed gives the same figures on every run.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Collector } from '../collector/collector.js';
import { loadCatalogue } from '../collector/catalogue/catalogue.js';
import { startCollector } from '../collector/collector.js';
import { collectorDefaults } from '../collector/config.js';
import type { DeliveryFaults } from '../firmware-stubs/delivery-faults.js';
import { GATEWAY_AGENT_ID } from '../firmware-stubs/fleet.js';
import type { JourneyTruth } from '../firmware-stubs/ground-truth.js';
import type { SlowResponses } from '../firmware-stubs/journey-script.js';
import type { Simulation, SimulationStats } from '../firmware-stubs/simulation.js';
import { startSimulation } from '../firmware-stubs/simulation.js';
import type { FidelityComparison, RecordSource } from './fidelity-compare.js';
import { compareWithTruth } from './fidelity-compare.js';
import { fidelityJson, fidelityTargets, type TargetCheck } from './fidelity-report.js';
import type { TimeFeed } from './fidelity-time-feed.js';
import { connectTimeFeed } from './fidelity-time-feed.js';

export interface FidelityConditions {
  readonly rigs: number;
  readonly alertsPerSecond: number;
  /** Every agent's clock is off by a uniform ±this at the start... */
  readonly clockOffsetMs: number;
  /** ...and runs fast or slow by a uniform ±this. */
  readonly clockDriftPpm: number;
  /** Drift (ppm) of named agents in place of the spread: a zero-drift agent beside drifting ones, a fast one. */
  readonly clockDrifts: Readonly<Record<string, number>>;
  /** A wall-clock step on one agent, half way through the traffic; `timeline`: its stamps jump too (a restart after a clock reset). */
  readonly wallStep: { readonly agentId: string; readonly stepMs: number; readonly timeline?: boolean };
  readonly faults: DeliveryFaults;
  readonly slowResponses: SlowResponses;
  /** The collector's join.graceSeconds: added to an SRV's window before its journey times out. */
  readonly graceSeconds: number;
  /**
   * An agent closed and started again on a fresh buffer (a new stream) at this share of the
   * traffic, between two steps, with journeys in flight; null for none.
   */
  readonly agentRestart: { readonly agentId: string; readonly atShare: number } | null;
  /** Simulated time probes per agent (a real agent's default interval). */
  readonly probeIntervalMs: number;
  /**
   * True time at which the run starts (the collector's clock reads it too). Fixed, so a seed
   * gives the same keys, the same probe windows and so the same figures on every run.
   */
  readonly startAt: string;
  /** Virtual time per step while anything is still to happen in the simulation... */
  readonly stepMs: number;
  /** ...and once nothing is, while the collector's windows run out. */
  readonly idleStepMs: number;
}

export const defaultFidelityConditions: FidelityConditions = {
  rigs: 12,
  alertsPerSecond: 0.5,
  clockOffsetMs: 5000,
  clockDriftPpm: 100,
  clockDrifts: {},
  wallStep: { agentId: GATEWAY_AGENT_ID, stepMs: 2000 },
  faults: { duplicateRate: 0.05, reorderRate: 0.2, reorderMaxMs: 5000, lateRate: 0.01, lateMaxMs: 600_000 },
  // 4.8.1 is an eighth of the default SRV mix: a fifth of those slow gives a few hundred long journeys an hour.
  slowResponses: { rate: 0.2, minMs: 600_000, maxMs: 5_500_000, srvs: ['4.8.1'] },
  graceSeconds: 30,
  agentRestart: null,
  probeIntervalMs: 10_000,
  startAt: '2026-01-05T08:00:00Z',
  stepMs: 10_000,
  idleStepMs: 60_000,
};

export interface FidelityOptions {
  readonly seed?: number;
  /** Virtual minutes during which journeys start; the run goes on until every one is closed. */
  readonly virtualMinutes?: number;
  readonly requestsPerSecond?: number;
  readonly log?: (line: string) => void;
  /** Where to write the JSON results (bench/results/fidelity.json from the CLI); none when absent. */
  readonly outFile?: string;
  readonly conditions?: Partial<FidelityConditions>;
  /** Called with the finished run before anything is closed, to look further (investigations, tests). */
  readonly inspect?: (run: { readonly sim: Simulation; readonly collector: Collector; readonly report: FidelityReport }) => void | Promise<void>;
}

/** One agent's clock as simulated and as the collector estimated it, when the simulation went idle. */
export interface ClockFit {
  readonly agentId: string;
  readonly trueOffsetUs: number;
  readonly trueDriftPpm: number;
  readonly estimatedOffsetUs: number;
  readonly estimatedDriftPpm: number;
  readonly uncertaintyUs: number | null;
  readonly exchanges: number;
  readonly steps: number;
}

export interface FidelityReport {
  readonly conditions: FidelityConditions & { readonly seed: number; readonly virtualMinutes: number; readonly requestsPerSecond: number };
  readonly run: {
    readonly virtualMinutesTotal: number;
    readonly wallSeconds: number;
    readonly steps: number;
    readonly stats: SimulationStats;
    readonly timeSamplesPublished: number;
    /** Wall-clock steps the stepped agent's detector reported. */
    readonly wallStepsSeen: number;
    readonly joiner: Readonly<Record<string, number>>;
    readonly hopsStored: number;
  };
  readonly comparison: FidelityComparison;
  readonly clocks: readonly ClockFit[];
  readonly targets: readonly TargetCheck[];
}

const ACK_TIMEOUT_MS = 120_000;
/** Past the last hop, what a journey may still need to close: the 5,600 s window, its 30 s grace, a minute to spare. */
const TAIL_MARGIN_MS = (5600 + 30 + 60) * 1000;
/**
 * The longest window of any SRV (11.1's five days): an unanswered journey of that class closes
 * only then, and would otherwise be missing from the comparison. Once the simulation has been
 * idle for TAIL_MARGIN_MS nothing but such windows is left, so time moves on an hour a step.
 */
const LONGEST_WINDOW_MS = Math.max(...Object.values(loadCatalogue().data.responseClasses).map((c) => c.seconds * 1000));
const LONG_IDLE_STEP_MS = 3_600_000;

type RunSettings = FidelityReport['conditions'] & { readonly startUs: number; readonly durationMs: number };

/** What a run holds open; each part is closed in the finally of runFidelityBenchmark. */
interface Parts {
  collector?: Collector;
  feed?: TimeFeed;
  sim?: Simulation;
  /** The collector's clock: true time, moved to the end of each step once its samples are in. */
  collectorNowUs: number;
}

export async function runFidelityBenchmark(options: FidelityOptions = {}): Promise<FidelityReport> {
  const run = settingsOf(options);
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-fidelity-'));
  const wallStart = performance.now();
  const parts: Parts = { collectorNowUs: run.startUs };
  try {
    const { collector, feed, sim } = await startParts(run, dir, parts);
    log(`fidelity: ${run.virtualMinutes} virtual minutes of traffic at ${run.requestsPerSecond} requests/s, ${run.rigs} rigs, seed ${run.seed}`);
    const advanceCollector = () => void (parts.collectorNowUs = sim.nowUs());
    const { steps, clocks } = await runToCompletion(sim, collector, feed, advanceCollector, run, run.startUs + run.durationMs * 1000, log);
    log(`fidelity: comparing ${sim.groundTruth.size} journeys`);
    const comparison = compareWithTruth(sim.groundTruth, recordSource(collector), {
      isLong: (t: JourneyTruth) => t.endedUs - t.startedUs >= run.slowResponses.minMs * 1000,
    });
    const { startUs: _startUs, durationMs: _durationMs, ...conditions } = run;
    const report: FidelityReport = {
      conditions,
      run: {
        virtualMinutesTotal: (sim.nowUs() - run.startUs) / 60e6,
        wallSeconds: (performance.now() - wallStart) / 1000,
        steps,
        stats: { ...sim.stats },
        timeSamplesPublished: feed.published,
        wallStepsSeen: sim.agents.get(run.wallStep.agentId)?.status().clock.wallSteps ?? 0,
        joiner: { ...collector.joiner.counters },
        hopsStored: collector.ingest.counters.hopsStored,
      },
      comparison,
      clocks,
      targets: fidelityTargets(comparison),
    };
    if (options.outFile) {
      mkdirSync(dirname(options.outFile), { recursive: true });
      writeFileSync(options.outFile, `${JSON.stringify(fidelityJson(report), null, 2)}\n`);
    }
    await options.inspect?.({ sim, collector, report });
    return report;
  } finally {
    await parts.sim?.stop();
    await parts.feed?.close();
    await parts.collector?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function settingsOf(options: FidelityOptions): RunSettings {
  const c: FidelityConditions = { ...defaultFidelityConditions, ...options.conditions };
  const startUs = Date.parse(c.startAt) * 1000;
  if (!Number.isFinite(startUs)) throw new RangeError(`conditions.startAt ${JSON.stringify(c.startAt)} must be an ISO 8601 date-time`);
  const virtualMinutes = options.virtualMinutes ?? 120;
  return { ...c, seed: options.seed ?? 1, virtualMinutes, requestsPerSecond: options.requestsPerSecond ?? 5, startUs, durationMs: virtualMinutes * 60_000 };
}

/** The in-process collector on a temp SQLite file and an embedded broker on a free loopback port, the time feed, the simulation. */
async function startParts(run: RunSettings, dir: string, parts: Parts): Promise<Required<Parts>> {
  const collector = (parts.collector = await startCollector({
    ...collectorDefaults,
    broker: { ...collectorDefaults.broker, host: '127.0.0.1', port: 0 },
    http: { ...collectorDefaults.http, host: '127.0.0.1', port: 0 },
    store: { file: join(dir, 'collector.db'), synchronous: 'normal' },
    join: { ...collectorDefaults.join, graceSeconds: run.graceSeconds },
    logLevel: 'silent',
  }, { clock: { nowUs: () => parts.collectorNowUs, wallNowUs: () => parts.collectorNowUs }, nowMs: () => parts.collectorNowUs / 1000 }));
  const feed = (parts.feed = await connectTimeFeed(collector.brokerUrl));
  const spread = { maxOffsetMs: run.clockOffsetMs, maxDriftPpm: run.clockDriftPpm };
  const sim = (parts.sim = startSimulation({
    brokerUrl: collector.brokerUrl, dataDir: join(dir, 'agents'), mode: 'virtual', seed: run.seed, startTrueUs: run.startUs,
    rigs: run.rigs, requestsPerSecond: run.requestsPerSecond, alertsPerSecond: run.alertsPerSecond, durationMs: run.durationMs,
    clocks: { gateway: spread, csp: spread, rig: spread }, clockDrifts: run.clockDrifts,
    clockSteps: { [run.wallStep.agentId]: [{ atTrueUs: run.startUs + (run.durationMs * 1000) / 2, stepUs: run.wallStep.stepMs * 1000, timeline: run.wallStep.timeline ?? false }] },
    faults: run.faults, slowResponses: run.slowResponses,
    timeProbes: { intervalMs: run.probeIntervalMs, onSample: (agentId, sample) => feed.publish(agentId, sample) },
    // Agents seal batches only when the run asks (drained), never on a wall-clock timer mid-step, so a
    // step's hops always reach the collector after that step's time samples and a seed repeats its figures.
    agent: { flushIntervalMs: 60_000 },
  }));
  return { collector, feed, sim, collectorNowUs: parts.collectorNowUs };
}

/** Steps virtual time until the simulation is idle and the collector has closed every journey. */
async function runToCompletion(
  sim: Simulation, collector: Collector, feed: TimeFeed, advanceCollector: () => void, c: FidelityConditions, trafficEndUs: number, log: (line: string) => void,
) {
  const limitUs = trafficEndUs + (c.slowResponses.maxMs + c.faults.lateMaxMs + c.faults.reorderMaxMs + c.graceSeconds * 1000 + LONGEST_WINDOW_MS + TAIL_MARGIN_MS) * 1000;
  const startUs = sim.nowUs();
  let restartAtUs = c.agentRestart ? startUs + (trafficEndUs - startUs) * c.agentRestart.atShare : Infinity;
  let steps = 0;
  let clocks: ClockFit[] | undefined;
  let nextLogUs = startUs;
  let idleSinceUs = Infinity;
  for (;;) {
    await sim.runFor(!sim.idle() ? c.stepMs : sim.nowUs() - idleSinceUs < TAIL_MARGIN_MS * 1000 ? c.idleStepMs : LONG_IDLE_STEP_MS);
    await feed.settled(ACK_TIMEOUT_MS);
    advanceCollector();
    await sim.drained(ACK_TIMEOUT_MS);
    // One tick at the new virtual time: settled journeys close, windows run out.
    collector.ingest.drain();
    steps++;
    const now = sim.nowUs();
    if (c.agentRestart && now >= restartAtUs) {
      // Between steps every batch is acknowledged: the restart loses nothing, it only changes the stream.
      await sim.restartAgent(c.agentRestart.agentId);
      log(`  ${((now - startUs) / 60e6).toFixed(0)} virtual min: ${c.agentRestart.agentId} restarted on a new stream`);
      restartAtUs = Infinity;
    }
    // The collector's estimate is judged while probes still run: once idle they stop.
    if (!clocks && sim.idle()) clocks = clockFits(sim, collector);
    if (sim.idle()) idleSinceUs = Math.min(idleSinceUs, now);
    if (now >= nextLogUs) {
      const st = sim.stats;
      log(`  ${((now - startUs) / 60e6).toFixed(0)} virtual min: ${st.journeysStarted} journeys started, ${st.journeysCompleted} done, ` +
        `${collector.joiner.openCount} open at the collector, ${collector.ingest.counters.hopsStored} hops stored`);
      nextLogUs = now + 10 * 60e6;
    }
    if (sim.idle() && collector.joiner.openCount === 0 && collector.ingest.queued === 0) break;
    if (now > limitUs) {
      log(`  stopped at the virtual time limit with ${collector.joiner.openCount} journeys still open`);
      break;
    }
  }
  if (sim.groundTruth.evicted > 0) throw new Error(`the ground truth dropped ${sim.groundTruth.evicted} journeys; raise maxTruthJourneys or shorten the run`);
  return { steps, clocks: clocks ?? clockFits(sim, collector) };
}

function clockFits(sim: Simulation, collector: Collector): ClockFit[] {
  const trueUs = sim.nowUs();
  const summaries = new Map(collector.clocks.summaries((id) => sim.clocks.get(id)?.readAt(trueUs) ?? trueUs).map((s) => [s.agentId, s]));
  return [...sim.clocks].map(([agentId, clock]) => {
    const s = summaries.get(agentId);
    return {
      agentId,
      // The collector's clock is true time: its offset for this agent is true minus the agent's reading.
      trueOffsetUs: trueUs - clock.readAt(trueUs),
      trueDriftPpm: clock.spec.driftPpm,
      estimatedOffsetUs: s?.offsetUs ?? 0,
      estimatedDriftPpm: s?.driftPpm ?? 0,
      uncertaintyUs: s?.uncertaintyUs ?? null,
      exchanges: s?.exchanges ?? 0,
      steps: s?.steps ?? 0,
    };
  });
}

/** Records by key as the API serves them, and the key of every record stored (started at or after the epoch). */
function recordSource(collector: Collector): RecordSource {
  return { recordsFor: (key) => collector.store.journeysByKey(key), keys: () => collector.store.recentKeys(0) };
}
