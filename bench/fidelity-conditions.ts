// The fidelity benchmark's named conditions, each run with several seeds, and the one-line
// verdict per run: same-clock error at p99 for 30 s and 5,600 s journeys, the share of
// cross-agent figures within their bound, the median bound, and the joining: journeys
// invented (phantom), counted twice, or with an outcome other than the truth's.
import { cspAgentId, GATEWAY_AGENT_ID, rigAgentId } from '../firmware-stubs/fleet.js';
import type { FidelityConditions, FidelityReport } from './fidelity.js';
import { SAME_CLOCK_FIGURES } from './fidelity-report.js';

export interface NamedCondition {
  readonly name: string;
  readonly description: string;
  readonly conditions: Partial<FidelityConditions>;
  /** Virtual minutes during which journeys start. */
  readonly virtualMinutes: number;
  readonly requestsPerSecond: number;
}

/** Half the rigs, the gateway and the CSP gateways keep perfect time; the other rigs drift by up to ±100 ppm. */
/** 30-second SRVs of the default mix (about half the requests); a tenth of them answered late. */
const lateAnswers = (minMs: number, maxMs: number) => ({ slowResponses: { rate: 0.1, minMs, maxMs, srvs: ['4.1.1', '2.2', '7.4'] } });

const zeroDrift = Object.fromEntries([GATEWAY_AGENT_ID, cspAgentId('NORTH'), cspAgentId('CENTRAL'), cspAgentId('SOUTH'),
  ...[0, 1, 2, 3, 4, 5].map(rigAgentId)].map((id) => [id, 0]));

export const fidelityConditions: readonly NamedCondition[] = [
  { name: 'baseline', description: 'every agent drifting by up to ±100 ppm, +2 s wall step on the DCC gateway', conditions: {}, virtualMinutes: 60, requestsPerSecond: 5 },
  { name: 'zero-drift', description: 'gateway, CSPs and 6 of 12 rigs with zero drift, the other rigs up to ±100 ppm', conditions: { clockDrifts: zeroDrift }, virtualMinutes: 60, requestsPerSecond: 5 },
  {
    name: 'fast-drift', description: 'rig-001 at +500 ppm and the CENTRAL CSP gateway at -200 ppm, beyond the 100 ppm prior',
    conditions: { clockDrifts: { [rigAgentId(0)]: 500, [cspAgentId('CENTRAL')]: -200 } }, virtualMinutes: 60, requestsPerSecond: 5,
  },
  { name: 'first-minute', description: 'every journey starts in its agents\' first minute (drift up to ±100 ppm)', conditions: {}, virtualMinutes: 1, requestsPerSecond: 20 },
  {
    name: 'rig-step', description: '+2 s clock step on a CH-rig agent (rig-003) that moves its stamps too, as a restart after a clock reset does',
    conditions: { wallStep: { agentId: rigAgentId(2), stepMs: 2000, timeline: true } }, virtualMinutes: 60, requestsPerSecond: 5,
  },
  // The slow HAN leg sets when the response comes; in these runs the "5600 s" column holds the late answers.
  {
    name: 'late-60s', description: 'a tenth of the 30 s SRVs answered 50-70 s after the request, around their 60 s time-out (30 s grace)',
    conditions: lateAnswers(50_000, 70_000), virtualMinutes: 30, requestsPerSecond: 5,
  },
  {
    name: 'late-5min', description: 'a tenth of the 30 s SRVs answered about 5 minutes after the request, long after their time-out',
    conditions: lateAnswers(280_000, 320_000), virtualMinutes: 30, requestsPerSecond: 5,
  },
  {
    name: 'late-grace5', description: 'join.graceSeconds 5 and a tenth of the 30 s SRVs answered 36-60 s after the request: every one after its journey timed out',
    conditions: { ...lateAnswers(36_000, 60_000), graceSeconds: 5 }, virtualMinutes: 30, requestsPerSecond: 5,
  },
  {
    name: 'agent-restart', description: 'the DCC gateway agent restarted on a new stream 40 % into the traffic, with journeys in flight',
    conditions: { agentRestart: { agentId: GATEWAY_AGENT_ID, atShare: 0.4 } }, virtualMinutes: 30, requestsPerSecond: 5,
  },
];

export function conditionNamed(name: string): NamedCondition {
  const found = fidelityConditions.find((c) => c.name === name);
  if (!found) throw new RangeError(`--condition ${JSON.stringify(name)} is not one of ${fidelityConditions.map((c) => c.name).join(', ')}`);
  return found;
}

export interface ConditionVerdict {
  readonly condition: string;
  readonly seed: number;
  readonly journeys: number;
  /** Worst p99 error over the same-clock figures, by journey class; null when the run had none. */
  readonly sameClockP99Us: { readonly short: number | null; readonly long: number | null };
  readonly crossAgentWithinBoundShare: number | null;
  readonly medianBoundUs: number | null;
  /** Worst drift estimate error over the agents, ppm, while probes still ran. */
  readonly worstDriftErrorPpm: number;
  /** Records whose key is in no true journey, and true journeys with more than one record. */
  readonly phantoms: number;
  readonly doubleCounted: number;
  /** True journeys missing, or whose record's kind, SRV, outcome, code or reason differs from the truth. */
  readonly wrongOutcomes: number;
  /** Journeys the collector started because a key was used again (the truth has none). */
  readonly keyReused: number;
  readonly wallSeconds: number;
}

const worst = (values: readonly (number | null)[]): number | null => values.reduce<number | null>((m, v) => (v === null ? m : Math.max(m ?? v, v)), null);

export function verdictOf(condition: string, r: FidelityReport): ConditionVerdict {
  const c = r.comparison;
  const p99 = (cls: 'short' | 'long') => worst(SAME_CLOCK_FIGURES.map((f) => c.figures[f].byLength[cls].p99Us));
  return {
    condition, seed: r.conditions.seed, journeys: c.truths,
    sameClockP99Us: { short: p99('short'), long: p99('long') },
    crossAgentWithinBoundShare: c.crossAgentSegments.withinBoundShare,
    medianBoundUs: c.crossAgentSegments.medianBoundUs,
    worstDriftErrorPpm: Math.max(0, ...r.clocks.map((a) => Math.abs(a.estimatedDriftPpm - a.trueDriftPpm))),
    phantoms: c.phantomJourneys,
    doubleCounted: c.doubleCountedJourneys,
    wrongOutcomes: c.truths - c.outcomeMatches,
    keyReused: r.run.joiner.keyReused ?? 0,
    wallSeconds: r.run.wallSeconds,
  };
}

const ms = (us: number | null) => (us === null ? '-' : (us / 1000).toFixed(3));
const pct = (share: number | null) => (share === null ? '-' : `${(Math.floor(share * 10_000) / 100).toFixed(2)} %`);

/** One row per run, targets as issue 3 states them. */
export function formatVerdicts(verdicts: readonly ConditionVerdict[]): string {
  const widths = [13, 5, 9, 11, 13, 11, 12, 14, 8, 7, 6, 7, 7];
  const row = (cells: readonly string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const lines = [row(['condition', 'seed', 'journeys', 'p99 30s ms', 'p99 5600s ms', 'x-agent in', 'median ± ms', 'drift err ppm', 'phantom', 'double', 'wrong', 'reused', 'wall s'])];
  lines.push(row(['(target)', '', '', '<= 1', '<= 10', '>= 99 %', '< 50', '', '0', '0', '0', '0', '']));
  for (const v of verdicts) {
    lines.push(row([v.condition, String(v.seed), String(v.journeys), ms(v.sameClockP99Us.short), ms(v.sameClockP99Us.long),
      pct(v.crossAgentWithinBoundShare), ms(v.medianBoundUs), v.worstDriftErrorPpm.toFixed(2),
      String(v.phantoms), String(v.doubleCounted), String(v.wrongOutcomes), String(v.keyReused), v.wallSeconds.toFixed(0)]));
  }
  return `${lines.join('\n')}\n`;
}
