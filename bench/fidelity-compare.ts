// What hopwatch recorded against what really happened: every ground-truth journey of the
// firmware stubs compared with the collector's record(s) for its key. Pure: the caller
// hands in the truths, a lookup of records by key and every key the store holds, so tests
// can drive it with made-up records, and a long run never holds all its records at once.
//
// Counting journeys (a key names one journey: the stubs never reuse a counter):
// - phantom journey: a record whose key is in no true journey (a journey that never
//   happened, e.g. a late hop that opened a journey of its own instead of amending);
// - double-counted journey: a true journey with two or more records (each record beyond
//   the first is also counted, as extraRecords);
// - missing journey: a true journey with no record at all.
// When a journey has several records, the one that started first is compared.
import type { FigureName, RecordFlag, Segment } from '../collector/join/journey-record.js';
import { FIGURE_NAMES } from '../collector/join/journey-record.js';
import type { JourneyTruth } from '../firmware-stubs/ground-truth.js';
import type { BoundCheck, ErrorSummary, WorstCase } from './fidelity-tally.js';
import { summariseErrors, Tally } from './fidelity-tally.js';

export type { BoundCheck, ErrorSummary, WorstCase } from './fidelity-tally.js';
export { nearestRank, summariseErrors } from './fidelity-tally.js';

/** The parts of a stored record (collector/store StoredJourney) the comparison reads. */
export interface RecordView {
  readonly key: string;
  readonly kind: 'request' | 'alert';
  readonly srv?: string;
  readonly startedUs: number;
  readonly outcome: 'success' | 'failure';
  readonly code?: string;
  readonly reason?: string;
  readonly figures: Partial<Record<FigureName, number>>;
  readonly figureUncertaintyUs: Partial<Record<FigureName, number>>;
  readonly crossAgent: readonly FigureName[];
  readonly flags: readonly RecordFlag[];
  readonly segments: readonly Segment[];
  readonly amendments: number;
}

/** Ordinary journeys (TRTs of 30 s, alerts of 60 s) and long ones (the 5,600 s class). */
export type LengthClass = 'short' | 'long';

export interface FigureFidelity extends BoundCheck {
  readonly errors: ErrorSummary;
  readonly byLength: Readonly<Record<LengthClass, ErrorSummary>>;
  /** Figures the truth has and the record lacks. */
  readonly missing: number;
  /** Some record listed this figure as spanning two agents' clocks. */
  readonly crossAgent: boolean;
  readonly worst: WorstCase | null;
}

export interface SegmentFidelity extends BoundCheck {
  readonly errors: ErrorSummary;
  readonly crossAgent: boolean;
  readonly missing: number;
  readonly worst: WorstCase | null;
}

export const MISMATCH_KINDS = ['missing', 'kind', 'srv', 'outcome', 'code', 'reason'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export interface Mismatches {
  readonly count: number;
  /** The first few keys, to look up. */
  readonly examples: readonly string[];
}

export interface FidelityComparison {
  readonly truths: number;
  readonly records: number;
  readonly phantomJourneys: number;
  readonly doubleCountedJourneys: number;
  readonly extraRecords: number;
  readonly missingJourneys: number;
  readonly longJourneys: number;
  /** True journeys whose record has the right kind, SRV, outcome, code and (for lost journeys) reason. */
  readonly outcomeMatches: number;
  readonly mismatches: Readonly<Record<MismatchKind, Mismatches>>;
  readonly figures: Readonly<Record<FigureName, FigureFidelity>>;
  /** Keyed `FROM>TO`, e.g. `CSP_OUT>CH_IN`. */
  readonly segments: Readonly<Record<string, SegmentFidelity>>;
  /** Every cross-agent segment of every compared record together. */
  readonly crossAgentSegments: BoundCheck & { readonly errors: ErrorSummary };
  /** Compared records with a cross-agent segment, and those whose every such segment holds its true value. */
  readonly crossAgentRecords: number;
  readonly crossAgentRecordsWithinBound: number;
  readonly unreconciledRecords: number;
  readonly unsynchronisedRecords: number;
  /** Records changed by hops that arrived after the journey closed. */
  readonly amendedRecords: number;
}

export interface CompareOptions {
  /** Which class a true journey belongs to (default: everything short). */
  readonly isLong?: (truth: JourneyTruth) => boolean;
  /** Keys kept per mismatch kind. */
  readonly examples?: number;
}

/** Where the records come from: by key (the store's journeysByKey), and every key that has one. */
export interface RecordSource {
  recordsFor(key: string): readonly RecordView[];
  keys(): Iterable<string>;
}

/** A RecordSource over records in memory. */
export function recordsInMemory(records: Iterable<RecordView>): RecordSource {
  const byKey = new Map<string, RecordView[]>();
  for (const r of records) {
    const list = byKey.get(r.key);
    if (list) list.push(r);
    else byKey.set(r.key, [r]);
  }
  return { recordsFor: (key) => byKey.get(key) ?? [], keys: () => byKey.keys() };
}

export function compareWithTruth(truths: Iterable<JourneyTruth>, source: RecordSource, options: CompareOptions = {}): FidelityComparison {
  const run = new Comparison(options);
  const seenKeys = new Set<string>();
  for (const truth of truths) {
    seenKeys.add(truth.key);
    run.add(truth, source.recordsFor(truth.key));
  }
  for (const key of new Set(source.keys())) if (!seenKeys.has(key)) run.phantom(source.recordsFor(key).length);
  return run.result();
}

/** The running tallies of one comparison, journey by journey. */
class Comparison {
  private readonly isLong: (truth: JourneyTruth) => boolean;
  private readonly maxExamples: number;
  private readonly mismatches = Object.fromEntries(MISMATCH_KINDS.map((k) => [k, { count: 0, examples: [] as string[] }])) as Record<MismatchKind, { count: number; examples: string[] }>;
  private readonly figures = new Map<FigureName, Tally>(FIGURE_NAMES.map((f) => [f, new Tally()]));
  private readonly segments = new Map<string, Tally>();
  private readonly allCross = new Tally();
  private readonly n = {
    truths: 0, records: 0, phantoms: 0, doubleCounted: 0, extraRecords: 0, long: 0, outcomeMatches: 0,
    crossRecords: 0, crossRecordsWithin: 0, unreconciled: 0, unsynchronised: 0, amended: 0,
  };

  constructor(options: CompareOptions) {
    this.isLong = options.isLong ?? (() => false);
    this.maxExamples = options.examples ?? 5;
  }

  add(truth: JourneyTruth, found: readonly RecordView[]): void {
    const n = this.n;
    n.truths++;
    n.records += found.length;
    if (found.length === 0) return this.mismatch('missing', truth.key);
    if (found.length > 1) {
      n.doubleCounted++;
      n.extraRecords += found.length - 1;
    }
    const record = found.reduce((a, b) => (b.startedUs < a.startedUs ? b : a));
    const long = this.isLong(truth);
    if (long) n.long++;
    if (record.flags.includes('unreconciled')) n.unreconciled++;
    if (record.flags.includes('unsynchronised')) n.unsynchronised++;
    if (record.amendments > 0) n.amended++;
    if (this.outcomeMatches(truth, record)) n.outcomeMatches++;
    this.compareFigures(truth, record, long);
    this.compareSegments(truth, record, long);
  }

  phantom(records: number): void {
    this.n.phantoms += records;
    this.n.records += records;
  }

  private mismatch(kind: MismatchKind, key: string): void {
    const m = this.mismatches[kind];
    if (m.count++ < this.maxExamples) m.examples.push(key);
  }

  private outcomeMatches(truth: JourneyTruth, record: RecordView): boolean {
    const checks: [MismatchKind, boolean][] = [
      ['kind', record.kind === truth.kind],
      ['srv', record.srv === truth.srv],
      ['outcome', record.outcome === truth.outcome],
      ['code', record.code === truth.code],
      ['reason', truth.reason === undefined || record.reason === truth.reason],
    ];
    for (const [kind, ok] of checks) if (!ok) this.mismatch(kind, truth.key);
    return checks.every(([, ok]) => ok);
  }

  private compareFigures(truth: JourneyTruth, record: RecordView, long: boolean): void {
    for (const name of FIGURE_NAMES) {
      const trueUs = truth.figures[name];
      if (trueUs === undefined) continue;
      const tally = this.figures.get(name)!;
      const measured = record.figures[name];
      if (measured === undefined) {
        tally.missing++;
        continue;
      }
      if (record.crossAgent.includes(name)) tally.crossAgent = true;
      tally.add(truth.key, measured, trueUs, record.figureUncertaintyUs[name], long);
    }
  }

  private compareSegments(truth: JourneyTruth, record: RecordView, long: boolean): void {
    let hasCross = false;
    let allWithin = true;
    for (const s of truth.segments) {
      const name = `${s.from}>${s.to}`;
      let tally = this.segments.get(name);
      if (!tally) this.segments.set(name, (tally = new Tally()));
      const measured = record.segments.find((m) => m.from === s.from && m.to === s.to);
      if (!measured) {
        tally.missing++;
        continue;
      }
      tally.add(truth.key, measured.us, s.us, measured.uncertaintyUs, long);
      if (!measured.crossAgent) continue;
      tally.crossAgent = true;
      hasCross = true;
      if (!this.allCross.add(truth.key, measured.us, s.us, measured.uncertaintyUs, long)) allWithin = false;
    }
    if (hasCross) {
      this.n.crossRecords++;
      if (allWithin) this.n.crossRecordsWithin++;
    }
  }

  result(): FidelityComparison {
    const n = this.n;
    const summarise = (t: Tally) => ({ errors: summariseErrors(t.errors), missing: t.missing, crossAgent: t.crossAgent, worst: t.worst, ...t.boundCheck() });
    return {
      truths: n.truths,
      records: n.records,
      phantomJourneys: n.phantoms,
      doubleCountedJourneys: n.doubleCounted,
      extraRecords: n.extraRecords,
      missingJourneys: this.mismatches.missing.count,
      longJourneys: n.long,
      outcomeMatches: n.outcomeMatches,
      mismatches: this.mismatches,
      figures: Object.fromEntries([...this.figures].map(([name, t]) => [name, {
        ...summarise(t), byLength: { short: summariseErrors(t.short), long: summariseErrors(t.long) },
      }])) as Record<FigureName, FigureFidelity>,
      segments: Object.fromEntries([...this.segments].map(([name, t]) => [name, summarise(t)])),
      crossAgentSegments: { errors: summariseErrors(this.allCross.errors), ...this.allCross.boundCheck() },
      crossAgentRecords: n.crossRecords,
      crossAgentRecordsWithinBound: n.crossRecordsWithin,
      unreconciledRecords: n.unreconciled,
      unsynchronisedRecords: n.unsynchronised,
      amendedRecords: n.amended,
    };
  }
}
