// Business processes: attribution of SRVs several processes share (MP122 §3.2.1, rule in the
// catalogue: after 8.1.1 → Install and Commission, after 6.23 → Change of Supplier, otherwise
// Tariff Updates), and RSVP per process (MP176 Table 1).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attributionRows } from '../../../collector/metrics/attribution-report.js';
import { rsvpRows } from '../../../collector/metrics/rsvp.js';
import { DEVICE_1, DEVICE_2, harness, request, writeOf, type Harness, type JourneySpec } from './harness.js';

const DEVICE_3 = '00-DB-12-34-56-78-90-A3';

describe.each([['pending facts', false], ['hourly rollups', true]])('processes from %s', (_from, fold) => {
  let h: Harness;
  beforeEach(() => {
    h = harness({ fold });
  });
  afterEach(() => h.close());

  const write = (...specs: JourneySpec[]) => specs.forEach((s) => h.write([request(s, h.catalogue)]));
  const october = () => {
    const [fromMs, toMs] = h.engine.source.calendar.monthRange('2026-10');
    return { fromMs, toMs, period: 'month' as const, filters: {} };
  };

  /**
   * Device 1: 8.1.1 at 10:00, then 1.1.1 at 10:05 → Install and Commission.
   * Device 2: 6.23 at 11:00, then 1.1.1 at 11:30 → Change of Supplier.
   * Device 3: 8.1.1 at 09:00, 6.23 at 09:30, 1.1.1 at 10:00 → the most recent, 6.23 → CoS.
   * Device 1 again two days later (outside the 24 h window): 1.1.1 → Tariff Updates (default).
   * 6.8 on device 2 a week later: shared by I&C and CoS, no rule applies and it has no default → unattributed.
   */
  const sequences = () => write(
    { at: '2026-10-05T10:00:00Z', srv: '8.1.1', device: DEVICE_1 },
    { at: '2026-10-05T10:05:00Z', srv: '1.1.1', device: DEVICE_1 },
    { at: '2026-10-05T11:00:00Z', srv: '6.23', device: DEVICE_2 },
    { at: '2026-10-05T11:30:00Z', srv: '1.1.1', device: DEVICE_2 },
    { at: '2026-10-05T09:00:00Z', srv: '8.1.1', device: DEVICE_3 },
    { at: '2026-10-05T09:30:00Z', srv: '6.23', device: DEVICE_3 },
    { at: '2026-10-05T10:00:00Z', srv: '1.1.1', device: DEVICE_3 },
    { at: '2026-10-07T10:05:00Z', srv: '1.1.1', device: DEVICE_1 },
    { at: '2026-10-12T10:00:00Z', srv: '6.8', device: DEVICE_2 },
  );

  it('attributes 1.1.1 by the SRs sent to the same device before it, and reports how many each rule took', () => {
    sequences();
    const rows = attributionRows(h.engine.source, october());
    expect(rows.map((r) => [r.srv, r.rule, r.process, r.requests])).toEqual([
      ['1.1.1', 'after-6.23', 'change-of-supplier-gain', 2],
      ['1.1.1', 'after-8.1.1', 'install-commission', 1],
      ['1.1.1', 'default', 'tariff-updates', 1],
      ['6.8', 'none', null, 1],
    ]);
    expect(rows[0]!.sharePct).toBe(50);
  });

  it('counts each SR of a shared SRV in the one process it was attributed to', () => {
    sequences();
    const rows = rsvpRows(h.engine.source, { ...october(), by: ['process'] });
    expect(Object.fromEntries(rows.map((r) => [r.process ?? '(none)', r.volume]))).toEqual({
      '(none)': 1, // the unattributed 6.8
      'change-of-supplier-gain': 4, // two 6.23, two 1.1.1
      'install-commission': 3, // two 8.1.1, one 1.1.1
      'tariff-updates': 1,
    });
  });

  it('keeps an amended record under the process it was first attributed to', () => {
    write({ at: '2026-10-05T10:00:00Z', srv: '8.1.1', device: DEVICE_1 });
    const first = request({ at: '2026-10-05T10:05:00Z', srv: '1.1.1', device: DEVICE_1, gatewayOnly: true, counter: 77 }, h.catalogue);
    h.write([first]);
    // A 6.23 sent just before the 1.1.1 but written after it would change a fresh attribution.
    write({ at: '2026-10-05T10:04:00Z', srv: '6.23', device: DEVICE_1 });
    const amended = request({ at: '2026-10-05T10:05:00Z', srv: '1.1.1', device: DEVICE_1, counter: 77 }, h.catalogue);
    h.write([writeOf({ ...amended, amendments: 1 }, { id: h.store.journeysByKey(first.key)[0]!.id, previous: first })]);
    const rows = attributionRows(h.engine.source, october());
    expect(rows.map((r) => [r.srv, r.rule, r.requests])).toEqual([['1.1.1', 'after-8.1.1', 1]]);
    expect(rsvpRows(h.engine.source, { ...october(), by: ['srv'], filters: { srv: ['1.1.1'] } })[0]!.dccUs.count).toBe(1);
  });
});
