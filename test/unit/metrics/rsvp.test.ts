// RSVP checked against hand-worked examples written from MP122 §2.3.1 (Table 3) and §2.3.2,
// SEC Appendix E as amended by SECMP0053, and DP187 §2.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalogue, type CatalogueData } from '../../../collector/catalogue/catalogue.js';
import { rsvpRows, type RsvpRow } from '../../../collector/metrics/rsvp.js';
import { harness, request, type Harness, type JourneySpec } from './harness.js';

const S = 1_000_000;

describe.each([['pending facts', false], ['hourly rollups', true]])('RSVP from %s', (_from, fold) => {
  let h: Harness;
  beforeEach(() => {
    h = harness({ fold });
  });
  afterEach(() => h.close());

  const day = (date: string, extra: Partial<Parameters<typeof rsvpRows>[1]> = {}): RsvpRow[] => {
    const [fromMs, toMs] = h.engine.source.calendar.dayRange(date);
    return rsvpRows(h.engine.source, { fromMs, toMs, period: 'day', by: ['srv'], filters: {}, ...extra });
  };
  const write = (...specs: JourneySpec[]) => h.write(specs.map((s) => request(s, h.catalogue)));

  /**
   * 4.1.1 on Monday 5 October 2026: ten answered in 1-9 s and 40 s, an E20 after 12 s, an
   * authorisation error (E3) after 0.2 s, and one never answered. HAN 0.5 s and DSP 0.4 s each.
   *   RTTs (12): 0.2 1 2 3 4 5 6 7 8 9 12 40 → mean 97.2/12 = 8.1 s, median (5+6)/2 = 5.5 s,
   *   p90 = rank 11 = 12 s, p95 = rank 12 = 40 s (nearest rank).
   *   DCC times (11, RTT − HAN; E3 has none): 0.5 … 8.5, 11.5, 39.5 → median 5.5 s.
   *   Within the 30 s TRT: 10 of 11 (39.5 s is over; the unanswered one has no DCC time).
   *   Payload failures (E20, no response): 2 of 13; the authorisation error is not one.
   */
  const mondayTraffic = () => {
    const at = (min: number) => `2026-10-05T08:${String(min).padStart(2, '0')}:00Z`;
    write(...[1, 2, 3, 4, 5, 6, 7, 8, 9, 40].map((s, i) => ({ at: at(i), srv: '4.1.1', rttMs: s * 1000, hanMs: 500, dspMs: 400 })));
    write({ at: at(20), srv: '4.1.1', rttMs: 12_000, hanMs: 500, dspMs: 400, code: 'E20' });
    write({ at: at(21), srv: '4.1.1', rttMs: 200, code: 'E3', gatewayOnly: true });
    write({ at: at(22), srv: '4.1.1', unanswered: true });
  };

  it('counts volume, successes and failures by reason, keeping authorisation errors apart (MP122 Table 3 Payload, §3.2.1)', () => {
    mondayTraffic();
    const [row] = day('2026-10-05');
    expect(row).toMatchObject({
      period: '2026-10-05', srv: '4.1.1', volume: 13, successes: 10, failures: 3,
      failuresByReason: { 'unable-to-communicate': 1, authorisation: 1, 'no-response': 1 }, payloadFailures: 2,
    });
    expect(row!.payloadFailureRatePct).toBeCloseTo((100 * 2) / 13, 9);
  });

  it('gives exact mean, median, range and nearest-rank percentiles of the RTT and the DCC time (MP122 §2.3.2)', () => {
    mondayTraffic();
    const [row] = day('2026-10-05');
    expect(row!.rttUs).toEqual({ count: 12, mean: 8.1 * S, median: 5.5 * S, min: 0.2 * S, max: 40 * S, p90: 12 * S, p95: 40 * S, p99: 40 * S });
    expect(row!.dccUs).toMatchObject({ count: 11, median: 5.5 * S, min: 0.5 * S, max: 39.5 * S });
    expect(row!.dccUs.mean).toBeCloseTo((91.5 / 11) * S, 3);
  });

  it('gives the HAN time and the CH residence beside them, from the journeys that have them (MP122 §2.3.2: a HAN-exclusive figure beside the RTT)', () => {
    // HAN 0.5, 1 and 3 s; the harness's rig stamps CH_IN 20 µs before HAN_OUT and CH_OUT 20 µs after HAN_IN: 40 µs in the CH.
    write(...[500, 1000, 3000].map((hanMs, i) => ({ at: `2026-10-05T09:0${i}:00Z`, srv: '4.1.1', rttMs: 5000, hanMs })));
    write({ at: '2026-10-05T09:05:00Z', srv: '4.1.1', rttMs: 200, gatewayOnly: true });
    const [row] = day('2026-10-05');
    expect(row!.hanUs).toEqual({ count: 3, mean: 1.5 * S, median: 1 * S, min: 0.5 * S, max: 3 * S, p90: 3 * S, p95: 3 * S, p99: 3 * S });
    expect(row!.chResidenceUs).toEqual({ count: 3, mean: 40, median: 40, min: 40, max: 40, p90: 40, p95: 40, p99: 40 });
  });

  it('judges the DCC time, not the RTT, against the TRT, and counts an unanswered request as over it when its HAN time is known (DP187 §2)', () => {
    mondayTraffic();
    expect(day('2026-10-05')[0]).toMatchObject({ trtSeconds: 30, trt: { measured: 11, within: 10 } });
    // Lost on the way back after the HAN leg: the DCC, not the HAN, overran the TRT.
    write({ at: '2026-10-05T08:30:00Z', srv: '4.1.1', lostAfterHan: true });
    const [row] = day('2026-10-05');
    expect(row).toMatchObject({ trt: { measured: 12, within: 10 } });
    expect(row!.withinTrtPct).toBeCloseTo((100 * 10) / 12, 9);
  });

  it('judges the DSP and CSP shares against their 4 s and 25 s budgets (SECMP0053 Annex C)', () => {
    mondayTraffic();
    const [row] = day('2026-10-05');
    expect(row!.segments.dsp).toMatchObject({ budgetSeconds: 4, measured: 11, within: 11 });
    expect(row!.segments.dsp.meanUs).toBeCloseTo(0.4 * S, 0);
    // CSP time = RTT − HAN − DSP: 39.1 s for the 40 s journey is over 25 s.
    expect(row!.segments.csp).toMatchObject({ budgetSeconds: 25, measured: 11, within: 10 });
  });

  it('answers percentiles within 1 % of the exact ones from sketches when exact values are off', () => {
    h.close();
    h = harness({ fold, config: { exactValues: false } });
    mondayTraffic();
    const [row] = day('2026-10-05');
    for (const [got, exact] of [[row!.rttUs.median, 5.5 * S], [row!.rttUs.p90, 12 * S], [row!.dccUs.median, 5.5 * S], [row!.rttUs.max, 40 * S]] as const) {
      expect(Math.abs(got! - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    expect(row!.rttUs.mean).toBeCloseTo(8.1 * S, 3);
    expect(row!.volume).toBe(13);
  });

  it('uses the TRT in force on each request\'s local date: 4.8.1 moved from 30 s to 5,600 s on 25 June 2020 (SECMP0053)', () => {
    write(
      { at: '2020-06-24T10:00:00Z', srv: '4.8.1', rttMs: 101_000, hanMs: 1000, dspMs: 400 },
      // 23:30 UTC on the 24th is 00:30 BST on the 25th: already the new TRT.
      { at: '2020-06-24T23:30:00Z', srv: '4.8.1', rttMs: 101_000, hanMs: 1000, dspMs: 400 },
      { at: '2020-06-26T10:00:00Z', srv: '4.8.1', rttMs: 101_000, hanMs: 1000, dspMs: 400 },
    );
    const [fromMs] = h.engine.source.calendar.dayRange('2020-06-24');
    const [, toMs] = h.engine.source.calendar.dayRange('2020-06-26');
    const rows = rsvpRows(h.engine.source, { fromMs, toMs, period: 'day', by: ['srv'], filters: {} });
    expect(rows.map((r) => [r.period, r.trtSeconds, r.withinTrtPct])).toEqual([
      ['2020-06-24', 30, 0],
      ['2020-06-25', 5600, 100],
      ['2020-06-26', 5600, 100],
    ]);
  });

  it('makes calendar months in the reporting time zone: 23:30 UTC on 30 June is July in BST', () => {
    write({ at: '2026-06-30T23:30:00Z', srv: '4.1.1' }, { at: '2026-06-30T22:30:00Z', srv: '4.1.1' });
    const [fromMs] = h.engine.source.calendar.monthRange('2026-06');
    const [, toMs] = h.engine.source.calendar.monthRange('2026-07');
    const rows = rsvpRows(h.engine.source, { fromMs, toMs, period: 'month', by: ['srv'], filters: {} });
    expect(rows.map((r) => [r.period, r.volume])).toEqual([['2026-06', 1], ['2026-07', 1]]);
  });

  it('slices by any combination of dimensions and filters by several values', () => {
    write(
      { at: '2026-10-05T09:00:00Z', srv: '4.1.1', context: { cspRegion: 'NORTH', deviceModel: 'EM-A1', firmwareVersion: '2.1' } },
      { at: '2026-10-05T09:01:00Z', srv: '4.1.1', context: { cspRegion: 'SOUTH', deviceModel: 'EM-A1', firmwareVersion: '2.2' } },
      { at: '2026-10-05T09:02:00Z', srv: '4.1.1', context: { cspRegion: 'SOUTH', deviceModel: 'EM-B7', firmwareVersion: '2.2' } },
      { at: '2026-10-05T09:03:00Z', srv: '1.2.1', context: { cspRegion: 'CENTRAL', deviceModel: 'EM-B7', firmwareVersion: '2.2' } },
    );
    const rows = day('2026-10-05', { by: ['region', 'deviceModel'], filters: { firmwareVersion: ['2.2'], srv: ['4.1.1', '1.2.1'] } });
    expect(rows.map((r) => [r.region, r.deviceModel, r.volume])).toEqual([['CENTRAL', 'EM-B7', 1], ['SOUTH', 'EM-A1', 1], ['SOUTH', 'EM-B7', 1]]);
  });

  it('judges RTTs against an RTT target only when one is configured (DP187)', () => {
    const data: CatalogueData = { ...h.catalogue.data, rttTargets: [{ srv: '4.1.1', seconds: 5, from: '2026-01-01', source: 'hopwatch' }] };
    h.close();
    h = harness({ fold, catalogue: createCatalogue(data) });
    write({ at: '2026-10-05T09:00:00Z', srv: '4.1.1', rttMs: 4000 }, { at: '2026-10-05T09:01:00Z', srv: '4.1.1', rttMs: 6000 });
    expect(day('2026-10-05')[0]!.rttTarget).toMatchObject({ budgetSeconds: 5, measured: 2, within: 1, withinPct: 50 });
  });
});
