// Process indicators against hand-worked examples from MP122 §2.4: IC1 (installs), PP1
// (top-ups), CoS1 (Change of Supplier) and A1 (alerts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertRows } from '../../../collector/metrics/alerts.js';
import { cosRows } from '../../../collector/metrics/change-of-supplier.js';
import { installRows } from '../../../collector/metrics/installs.js';
import { topUpRows } from '../../../collector/metrics/top-ups.js';
import { alert, DEVICE_1, DEVICE_2, harness, PARTY_A, PARTY_B, request, type Harness, type JourneySpec } from './harness.js';

const DEVICE_3 = '00-DB-12-34-56-78-90-A3';

describe.each([['pending facts', false], ['hourly rollups', true]])('indicators from %s', (_from, fold) => {
  let h: Harness;
  beforeEach(() => {
    h = harness({ fold });
  });
  afterEach(() => h.close());

  const write = (...specs: JourneySpec[]) => specs.forEach((s) => h.write([request(s, h.catalogue)]));
  const range = (month: string) => {
    const [fromMs, toMs] = h.engine.source.calendar.monthRange(month);
    return { fromMs, toMs, period: 'month' as const, filters: {}, by: [] };
  };

  /**
   * MP122 PP1. Device 1: fails (E20), then succeeds 10 min later → attempts 1 and 2.
   * Device 2: succeeds at once. Device 3: fails, fails (E21), succeeds → attempts 1, 2, 3+.
   * First attempts: 3, 1 success (33 %), failures 67 % > 5 % → reasons given.
   * Second attempts: 2, 1 success (50 %). Third: 1, 1 success.
   */
  it('numbers top-up attempts per device and gives failure reasons above 5 % (PP1)', () => {
    write(
      { at: '2026-10-05T10:00:00Z', srv: '2.2', device: DEVICE_1, code: 'E20' },
      { at: '2026-10-05T10:10:00Z', srv: '2.2', device: DEVICE_1 },
      { at: '2026-10-05T10:00:00Z', srv: '2.2', device: DEVICE_2 },
      { at: '2026-10-05T11:00:00Z', srv: '2.2', device: DEVICE_3, code: 'E20' },
      { at: '2026-10-05T11:05:00Z', srv: '2.2', device: DEVICE_3, code: 'E21' },
      { at: '2026-10-05T11:10:00Z', srv: '2.2', device: DEVICE_3 },
    );
    const rows = topUpRows(h.engine.source, range('2026-10'));
    expect(rows.map((r) => [r.attempt, r.attempts, r.successes, r.failureReasons])).toEqual([
      ['1', 3, 1, { 'unable-to-communicate': 2 }],
      ['2', 2, 1, { 'no-response-from-device': 1 }],
      ['3+', 1, 1, null],
    ]);
    expect(rows[0]!.successRatePct).toBeCloseTo(100 / 3, 9);
  });

  it('starts again at the first attempt after a success or outside the retry window (PP1)', () => {
    write(
      { at: '2026-10-05T10:00:00Z', srv: '2.2', device: DEVICE_1 },
      { at: '2026-10-05T10:10:00Z', srv: '2.2', device: DEVICE_1, code: 'E20' },
      { at: '2026-10-07T10:10:00Z', srv: '2.2', device: DEVICE_1 },
    );
    expect(topUpRows(h.engine.source, range('2026-10')).map((r) => [r.attempt, r.attempts])).toEqual([['1', 3]]);
  });

  /**
   * MP122 CoS1. Party A's 6.23 to device 1 reports E21, then A's 1.1.1 to device 1 succeeds:
   * the CoS worked. Party B's 6.23 to device 2 reports E20 and B's next SR fails too; A's later
   * SR to device 2 is not the gaining supplier's. A's 6.23 to device 3 succeeds.
   * → 3 requests, 1 reported success, 1 rescued: 66.7 % (33.3 % as reported).
   */
  it('counts a reported 6.23 failure as a success when the gaining supplier\'s later SRs succeed (CoS1)', () => {
    write(
      { at: '2026-10-05T10:00:00Z', srv: '6.23', party: PARTY_A, device: DEVICE_1, code: 'E21' },
      { at: '2026-10-05T10:20:00Z', srv: '1.1.1', party: PARTY_A, device: DEVICE_1 },
      { at: '2026-10-05T10:00:00Z', srv: '6.23', party: PARTY_B, device: DEVICE_2, code: 'E20' },
      { at: '2026-10-05T10:30:00Z', srv: '1.1.1', party: PARTY_B, device: DEVICE_2, code: 'E20' },
      { at: '2026-10-05T10:40:00Z', srv: '4.1.1', party: PARTY_A, device: DEVICE_2 },
      { at: '2026-10-05T12:00:00Z', srv: '6.23', party: PARTY_A, device: DEVICE_3 },
    );
    const [row] = cosRows(h.engine.source, range('2026-10'));
    expect(row).toMatchObject({ requests: 3, reportedSuccesses: 1, reportedFailures: 2, rescued: 1, successes: 2, failuresByReason: { 'unable-to-communicate': 1 } });
    expect(row!.successRatePct).toBeCloseTo(200 / 3, 9);
  });

  /**
   * MP122 IC1 / MP176 Table 1. Mondays 7, 14, 21 and 28 September had 4, 6, 5 and 5 installs:
   * the prediction for Monday 5 October is 5. On the 5th, three 8.14.1 (one failed) and three
   * 8.14.2 → 5 installs, 0 % off the prediction; Install and Commission 3 vs Install and Leave 3.
   */
  it('compares Install and Commission with Install and Leave and installs with the prediction (IC1)', () => {
    const installs = (date: string, n: number) => Array.from({ length: n }, (_, i) => ({ at: `${date}T09:${String(i).padStart(2, '0')}:00Z`, srv: i % 2 ? '8.14.2' : '8.14.1' }));
    write(...installs('2026-09-07', 4), ...installs('2026-09-14', 6), ...installs('2026-09-21', 5), ...installs('2026-09-28', 5));
    write(
      { at: '2026-10-05T09:00:00Z', srv: '8.14.1' }, { at: '2026-10-05T09:01:00Z', srv: '8.14.1' }, { at: '2026-10-05T09:02:00Z', srv: '8.14.1', code: 'E20' },
      { at: '2026-10-05T09:03:00Z', srv: '8.14.2' }, { at: '2026-10-05T09:04:00Z', srv: '8.14.2' }, { at: '2026-10-05T09:05:00Z', srv: '8.14.2' },
    );
    const [fromMs] = h.engine.source.calendar.dayRange('2026-10-05');
    const [, toMs] = h.engine.source.calendar.dayRange('2026-10-06');
    const rows = installRows(h.engine.source, { fromMs, toMs, filters: {} }, 4);
    expect(rows).toEqual([
      { date: '2026-10-05', installCommission: 3, installCommissionSuccesses: 2, installLeave: 3, installLeaveSuccesses: 3, installs: 5, predictedInstalls: 5, deviationPct: 0 },
      { date: '2026-10-06', installCommission: 0, installCommissionSuccesses: 0, installLeave: 0, installLeaveSuccesses: 0, installs: 0, predictedInstalls: 0, deviationPct: null },
    ]);
  });

  /**
   * MP122 A1: N12 alerts delivered in 10 s, 59 s and 61 s, one never delivered, and one delivered
   * whose raising no agent stamped: 5 alerts, 4 delivered, 4 judged, 2 within the 60 s SLA → 50 %.
   */
  it('measures alert delivery from the device to the User against the 60 s SLA, per alert code (A1)', () => {
    h.write([10, 59, 61, undefined].map((s, i) => alert({ at: `2026-10-05T09:0${i}:00Z`, code: 'N12', ...(s !== undefined ? { deliveryMs: s * 1000 } : {}) }, h.catalogue)));
    h.write([alert({ at: '2026-10-05T09:05:00Z', code: 'N12', deliveryMs: 5000, raiseUnstamped: true }, h.catalogue)]);
    const [row] = alertRows(h.engine.source, { ...range('2026-10') });
    expect(row).toMatchObject({ alertCode: 'N12', alerts: 5, delivered: 4, undelivered: 1, slaSeconds: 60, measured: 4, withinSla: 2, withinSlaPct: 50, deliveryUs: { count: 3, median: 59e6, max: 61e6 } });
  });
});
