import { describe, expect, it } from 'vitest';
import type { RecordView } from '../../../bench/fidelity-compare.js';
import { compareWithTruth, nearestRank, recordsInMemory, summariseErrors } from '../../../bench/fidelity-compare.js';
import type { JourneyTruth } from '../../../firmware-stubs/ground-truth.js';

const T0 = Date.parse('2026-10-01T12:00:00Z') * 1000;
const key = (n: number) => `90-B3-D5-1F-30-01-00-00:00-DB-12-20-00-00-00-01:${1790000000000 + n}`;

/** A successful request: UG_IN (gateway), CSP_OUT and CSP_IN (CSP), UG_OUT (gateway). */
function truth(n: number, rttUs = 5_000_000, over: Partial<JourneyTruth> = {}): JourneyTruth {
  return {
    key: key(n), kind: 'request', srv: '4.1.1', outcome: 'success', code: 'I0', startedUs: T0, endedUs: T0 + rttUs,
    hops: [], figures: { rttUs, cspRoundTripUs: rttUs - 400_000 },
    segments: [
      { from: 'UG_IN', to: 'CSP_OUT', us: 200_000 },
      { from: 'CSP_OUT', to: 'CSP_IN', us: rttUs - 400_000 },
      { from: 'CSP_IN', to: 'UG_OUT', us: 200_000 },
    ],
    ...over,
  };
}

/** The record hopwatch would write for `t`, each figure and segment off by `errorUs`, cross-agent bounds of `boundUs`. */
function record(t: JourneyTruth, errorUs = 0, boundUs = 10_000, over: Partial<RecordView> = {}): RecordView {
  return {
    key: t.key, kind: t.kind, srv: t.srv, startedUs: t.startedUs, outcome: t.outcome, amendments: 0,
    ...(t.code !== undefined ? { code: t.code } : {}), ...(t.reason !== undefined ? { reason: t.reason } : {}),
    figures: Object.fromEntries(Object.entries(t.figures).map(([k, v]) => [k, v + errorUs])),
    figureUncertaintyUs: Object.fromEntries(Object.keys(t.figures).map((k) => [k, 100])),
    crossAgent: [], flags: [],
    segments: t.segments.map((s) => {
      const cross = s.from === 'UG_IN' || s.to === 'UG_OUT';
      return { from: s.from, to: s.to, us: s.us + errorUs, crossAgent: cross, uncertaintyUs: cross ? boundUs : 50 };
    }),
    ...over,
  };
}

describe('fidelity comparison', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect([nearestRank(values, 50), nearestRank(values, 99), nearestRank(values, 100)]).toEqual([50, 99, 100]);
    expect(summariseErrors([3, 1, 2])).toEqual({ count: 3, p50Us: 2, p99Us: 3, maxUs: 3 });
    expect(summariseErrors([])).toEqual({ count: 0, p50Us: null, p99Us: null, maxUs: null });
  });

  it('matches a faithful record with no error, every outcome right and every bound held', () => {
    const truths = [truth(1), truth(2)];
    const c = compareWithTruth(truths, recordsInMemory(truths.map((t) => record(t))));
    expect(c).toMatchObject({ truths: 2, records: 2, phantomJourneys: 0, doubleCountedJourneys: 0, missingJourneys: 0, outcomeMatches: 2 });
    expect(c.figures.rttUs.errors).toEqual({ count: 2, p50Us: 0, p99Us: 0, maxUs: 0 });
    expect(c.crossAgentSegments).toMatchObject({ bounded: 4, withinBound: 4, withinBoundShare: 1, medianBoundUs: 10_000, unsynchronised: 0 });
  });

  it('counts a record of a journey that never happened as a phantom, and a second record of a true one as a double count', () => {
    const t = truth(1);
    const c = compareWithTruth([t], recordsInMemory([record(t), record(t, 0, 10_000, { startedUs: T0 + 1 }), record(truth(99))]));
    expect(c).toMatchObject({ phantomJourneys: 1, doubleCountedJourneys: 1, extraRecords: 1, records: 3 });
  });

  it('lists a true journey without a record as missing, and wrong outcomes and codes by kind', () => {
    const [a, b, lost] = [truth(1), truth(2), truth(3, 5_000_000, { outcome: 'failure', code: undefined, reason: 'no-response' })];
    const c = compareWithTruth([a, b, lost, truth(4)], recordsInMemory([
      record(a, 0, 10_000, { outcome: 'failure', code: 'E21' }),
      record(b),
      record(lost, 0, 10_000, { reason: 'incomplete' }),
    ]));
    expect(c.outcomeMatches).toBe(1);
    expect(c.mismatches.missing).toEqual({ count: 1, examples: [key(4)] });
    expect(c.mismatches.outcome).toEqual({ count: 1, examples: [key(1)] });
    expect(c.mismatches.code).toEqual({ count: 1, examples: [key(1)] });
    expect(c.mismatches.reason).toEqual({ count: 1, examples: [key(3)] });
  });

  it('judges each cross-agent segment against its own bound and counts infinite bounds apart', () => {
    const [a, b, c3] = [truth(1), truth(2), truth(3)];
    const c = compareWithTruth([a, b, c3], recordsInMemory([record(a, 5000, 10_000), record(b, 15_000, 10_000), record(c3, 1, Infinity, { flags: ['unsynchronised'] })]));
    expect(c.crossAgentSegments).toMatchObject({ bounded: 4, withinBound: 2, withinBoundShare: 0.5, unsynchronised: 2 });
    expect(c.crossAgentRecords).toBe(3);
    expect(c.crossAgentRecordsWithinBound).toBe(1);
    expect(c.unsynchronisedRecords).toBe(1);
    expect(c.segments['UG_IN>CSP_OUT']).toMatchObject({ crossAgent: true, withinBound: 1, unsynchronised: 1 });
    expect(c.segments['CSP_OUT>CSP_IN']).toMatchObject({ crossAgent: false });
    expect(c.segments['UG_IN>CSP_OUT']!.worst).toMatchObject({ key: key(2), errorUs: 15_000, boundUs: 10_000 });
  });

  it('splits figure errors between ordinary and long journeys', () => {
    const short = truth(1, 5_000_000);
    const long = truth(2, 5_000_000_000);
    const c = compareWithTruth([short, long], recordsInMemory([record(short, 300), record(long, 4000)]), { isLong: (t) => t.figures.rttUs! > 60e6 });
    expect(c.longJourneys).toBe(1);
    expect(c.figures.rttUs.byLength.short).toMatchObject({ count: 1, maxUs: 300 });
    expect(c.figures.rttUs.byLength.long).toMatchObject({ count: 1, maxUs: 4000 });
    expect(c.figures.rttUs.errors.maxUs).toBe(4000);
  });

  it('counts a figure the truth has and the record lacks as missing, not as an error', () => {
    const t = truth(1);
    const c = compareWithTruth([t], recordsInMemory([record(t, 0, 10_000, { figures: { rttUs: t.figures.rttUs! } })]));
    expect(c.figures.cspRoundTripUs).toMatchObject({ missing: 1, errors: { count: 0 } });
  });
});
