// The fidelity benchmark's verdicts (issue 3's targets), its JSON results file and its
// printed table.
import type { FigureName } from '../collector/join/journey-record.js';
import type { BoundCheck, ErrorSummary, FidelityComparison, LengthClass } from './fidelity-compare.js';
import { MISMATCH_KINDS } from './fidelity-compare.js';
import type { FidelityReport } from './fidelity.js';

/** Figures made of two stamps of one agent (dcc: two such figures of two agents, no offset involved). */
export const SAME_CLOCK_FIGURES = ['rttUs', 'dccUs', 'hanUs', 'ackUs', 'cspRoundTripUs', 'chResidenceUs'] as const satisfies readonly FigureName[];

export interface TargetCheck {
  readonly name: string;
  /** The target, as issue 3 states it. */
  readonly target: string;
  readonly value: number | null;
  readonly unit: 'us' | 'share' | 'journeys';
  /** null: nothing to judge (e.g. no journey of that class). */
  readonly met: boolean | null;
}

/** Issue 3, "Done means". */
const SAME_CLOCK_P99_US: Readonly<Record<LengthClass, number>> = { short: 1000, long: 10_000 };
const CLASS_LABEL: Readonly<Record<LengthClass, string>> = { short: '30s', long: '5600s' };
const MIN_WITHIN_BOUND_SHARE = 0.99;
const MAX_MEDIAN_BOUND_US = 50_000;

export function fidelityTargets(c: FidelityComparison): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const cls of ['short', 'long'] as const) {
    for (const f of SAME_CLOCK_FIGURES) {
      const p99 = c.figures[f].byLength[cls].p99Us;
      checks.push({
        name: `${f} p99 error, ${CLASS_LABEL[cls]} journeys`, target: `<= ${SAME_CLOCK_P99_US[cls]} us`,
        value: p99, unit: 'us', met: p99 === null ? null : p99 <= SAME_CLOCK_P99_US[cls],
      });
    }
  }
  const x = c.crossAgentSegments;
  checks.push({ name: 'cross-agent segments within bound', target: `>= ${MIN_WITHIN_BOUND_SHARE}`, value: x.withinBoundShare, unit: 'share', met: x.withinBoundShare === null ? null : x.withinBoundShare >= MIN_WITHIN_BOUND_SHARE });
  checks.push({ name: 'median cross-agent bound', target: `< ${MAX_MEDIAN_BOUND_US} us`, value: x.medianBoundUs, unit: 'us', met: x.medianBoundUs === null ? null : x.medianBoundUs < MAX_MEDIAN_BOUND_US });
  checks.push({ name: 'phantom journeys', target: '0', value: c.phantomJourneys, unit: 'journeys', met: c.phantomJourneys === 0 });
  checks.push({ name: 'double-counted journeys', target: '0', value: c.doubleCountedJourneys, unit: 'journeys', met: c.doubleCountedJourneys === 0 });
  const wrong = c.truths - c.outcomeMatches;
  checks.push({ name: 'journeys whose outcome differs from the truth (or that are missing)', target: '0', value: wrong, unit: 'journeys', met: wrong === 0 });
  return checks;
}

const errorsJson = (e: ErrorSummary) => ({ p50_us: e.p50Us, p99_us: e.p99Us, max_us: e.maxUs, count: e.count });
const boundsJson = (b: BoundCheck) => ({
  within_bound_share: b.withinBoundShare, within_bound_or_1us_share: b.withinBoundOrResolutionShare, median_bound_us: b.medianBoundUs, bounded: b.bounded, unsynchronised: b.unsynchronised,
});

/** bench/results/fidelity.json: snake_case, microseconds, one entry per figure and per segment. */
export function fidelityJson(r: FidelityReport): Record<string, unknown> {
  const c = r.comparison;
  return {
    benchmark: 'fidelity',
    conditions: r.conditions,
    run: r.run,
    figures: Object.fromEntries(Object.entries(c.figures).map(([name, f]) => [name, {
      ...errorsJson(f.errors),
      by_length: Object.fromEntries((['short', 'long'] as const).map((cls) => [CLASS_LABEL[cls], errorsJson(f.byLength[cls])])),
      missing: f.missing, cross_agent: f.crossAgent, ...boundsJson(f), worst: f.worst,
    }])),
    segments: Object.fromEntries(Object.entries(c.segments).map(([name, s]) => [name, {
      ...errorsJson(s.errors), missing: s.missing, cross_agent: s.crossAgent, ...boundsJson(s), worst: s.worst,
    }])),
    cross_agent_within_bound_share: c.crossAgentSegments.withinBoundShare,
    median_bound_us: c.crossAgentSegments.medianBoundUs,
    cross_agent_segments: { ...errorsJson(c.crossAgentSegments.errors), ...boundsJson(c.crossAgentSegments) },
    cross_agent_records: c.crossAgentRecords,
    cross_agent_records_within_bound: c.crossAgentRecordsWithinBound,
    unreconciled_records: c.unreconciledRecords,
    unsynchronised_records: c.unsynchronisedRecords,
    phantom_journeys: c.phantomJourneys,
    double_counted_journeys: c.doubleCountedJourneys,
    extra_records: c.extraRecords,
    missing_journeys: c.missingJourneys,
    true_journeys: c.truths,
    records: c.records,
    long_journeys: c.longJourneys,
    amended_records: c.amendedRecords,
    outcome_matches: c.outcomeMatches,
    outcome_mismatches: c.mismatches,
    clocks: r.clocks,
    targets: r.targets,
  };
}

const ms = (us: number | null) => (us === null ? '-' : (us / 1000).toFixed(3));
/** Two decimals, but never rounded up to 100 % when something was outside. */
const pct = (share: number | null) => (share === null ? '-' : `${(Math.floor(share * 10_000) / 100).toFixed(2)} %`);
const row = (cells: readonly string[], widths: readonly number[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');

export function formatFidelityTable(r: FidelityReport): string {
  const c = r.comparison;
  const k = r.conditions;
  const f = k.faults;
  const lines: string[] = [];
  lines.push(`hopwatch fidelity: seed ${k.seed}, ${k.virtualMinutes} virtual min of traffic (${r.run.virtualMinutesTotal.toFixed(0)} in all), ` +
    `${k.requestsPerSecond} requests/s + ${k.alertsPerSecond} alerts/s, ${k.rigs} rigs; ${r.run.wallSeconds.toFixed(0)} s wall`);
  const drifts = Object.entries(k.clockDrifts).map(([id, ppm]) => `${id} ${ppm} ppm`).join(', ');
  lines.push(`conditions: clock offsets ±${k.clockOffsetMs} ms and drift ±${k.clockDriftPpm} ppm on every agent${drifts ? ` but ${drifts}` : ''}; wall step ${k.wallStep.stepMs > 0 ? '+' : ''}${k.wallStep.stepMs} ms on ` +
    `${k.wallStep.agentId} mid-run${k.wallStep.timeline ? ', its stamps too' : ''} (its detector saw ${r.run.wallStepsSeen}); asymmetric probe paths and WAN legs; duplicates ${f.duplicateRate * 100} %, ` +
    `reordered ${f.reorderRate * 100} % (<= ${f.reorderMaxMs / 1000} s), late ${f.lateRate * 100} % (<= ${f.lateMaxMs / 1000} s); slow ${k.slowResponses.srvs.join(', ')} ` +
    `${k.slowResponses.rate * 100} % (${k.slowResponses.minMs / 1000}-${k.slowResponses.maxMs / 1000} s HAN)`);
  const st = r.run.stats;
  lines.push(`simulated: ${st.journeysStarted} journeys, ${st.hopsStamped} hops (${st.duplicateHops} repeated, ${st.reorderedHops} reordered, ${st.lateHops} late), ` +
    `${st.slowResponses} slow responses, ${r.run.timeSamplesPublished} time samples`);
  const mismatchText = MISMATCH_KINDS.filter((m) => c.mismatches[m].count > 0).map((m) => `${m} ${c.mismatches[m].count}`).join(', ') || 'none';
  lines.push(`journeys: ${c.truths} true, ${c.records} records (${c.amendedRecords} amended by late hops); phantom ${c.phantomJourneys}, ` +
    `double-counted ${c.doubleCountedJourneys}, missing ${c.missingJourneys}; outcomes matching ${c.outcomeMatches}/${c.truths} (mismatches: ${mismatchText})`);
  lines.push('');

  const fw = [16, 6, 7, 9, 9, 10, 9, 9, 11];
  lines.push(row(['figure', 'class', 'count', 'p50 ms', 'p99 ms', 'max ms', 'in bound', '+1 us', 'target p99'], fw));
  for (const [name, fig] of Object.entries(c.figures)) {
    if (fig.errors.count === 0) continue;
    const same = (SAME_CLOCK_FIGURES as readonly string[]).includes(name);
    lines.push(row([name, 'all', String(fig.errors.count), ms(fig.errors.p50Us), ms(fig.errors.p99Us), ms(fig.errors.maxUs),
      pct(fig.withinBoundShare), pct(fig.withinBoundOrResolutionShare), ''], fw));
    if (!same) continue;
    for (const cls of ['short', 'long'] as const) {
      const e = fig.byLength[cls];
      if (e.count === 0) continue;
      const target = SAME_CLOCK_P99_US[cls];
      lines.push(row(['', CLASS_LABEL[cls], String(e.count), ms(e.p50Us), ms(e.p99Us), ms(e.maxUs), '', '', `${ms(target)} ${e.p99Us! <= target ? 'met' : 'MISSED'}`], fw));
    }
  }
  lines.push('(in bound: share whose true value lies within the record\'s ± bound; +1 us: within the bound widened by the wire\'s 1 us resolution)');
  lines.push('');

  const sw = [24, 5, 7, 9, 9, 10, 9, 9, 11, 7];
  lines.push(row(['segment', 'cross', 'count', 'p50 ms', 'p99 ms', 'max ms', 'in bound', '+1 us', 'median ± ms', 'unsync'], sw));
  for (const [name, s] of Object.entries(c.segments)) {
    lines.push(row([name, s.crossAgent ? 'yes' : 'no', String(s.errors.count), ms(s.errors.p50Us), ms(s.errors.p99Us), ms(s.errors.maxUs),
      pct(s.withinBoundShare), pct(s.withinBoundOrResolutionShare), ms(s.medianBoundUs), String(s.unsynchronised)], sw));
  }
  const x = c.crossAgentSegments;
  lines.push('');
  lines.push(`cross-agent segments: ${x.bounded} bounded, ${pct(x.withinBoundShare)} within bound, median bound ${ms(x.medianBoundUs)} ms, ` +
    `${x.unsynchronised} unsynchronised; records with every cross-agent segment in bound ${c.crossAgentRecordsWithinBound}/${c.crossAgentRecords}; ` +
    `unreconciled records ${c.unreconciledRecords}, unsynchronised records ${c.unsynchronisedRecords}`);
  lines.push('');

  const cw = [12, 10, 10, 10, 12, 12, 9];
  lines.push(row(['agent clock', 'drift ppm', 'estimate', 'error ppm', 'offset err ms', 'bound ± ms', 'exchanges'], cw));
  for (const a of r.clocks) {
    lines.push(row([a.agentId, a.trueDriftPpm.toFixed(3), a.estimatedDriftPpm.toFixed(3), (a.estimatedDriftPpm - a.trueDriftPpm).toFixed(3),
      ms(a.estimatedOffsetUs - a.trueOffsetUs), ms(a.uncertaintyUs), String(a.exchanges)], cw));
  }
  lines.push('');
  lines.push('targets (issue 3):');
  for (const t of r.targets) {
    const verdict = t.met === null ? 'n/a   ' : t.met ? 'met   ' : 'MISSED';
    const value = t.value === null ? '-' : t.unit === 'share' ? pct(t.value) : t.unit === 'us' ? `${Math.round(t.value)} us` : String(t.value);
    lines.push(`  ${verdict} ${t.name}: ${value} (target ${t.target})`);
  }
  return `${lines.join('\n')}\n`;
}
