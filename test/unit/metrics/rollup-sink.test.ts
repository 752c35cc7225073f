// The rollup sink keeps rollups consistent with the records: an amendment retracts what the
// previous version added, a rolled-back tick counts nothing, and a new catalogue rebuilds.
import { afterEach, describe, expect, it } from 'vitest';
import { createCatalogue } from '../../../collector/catalogue/catalogue.js';
import { rsvpRows } from '../../../collector/metrics/rsvp.js';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import { harness, request, writeOf, type Harness } from './harness.js';

const S = 1_000_000;

describe('rollup sink', () => {
  let h: Harness | undefined;
  afterEach(() => h?.close());

  const monthRows = (hx: Harness) => {
    const [fromMs, toMs] = hx.engine.source.calendar.monthRange('2026-10');
    return rsvpRows(hx.engine.source, { fromMs, toMs, period: 'month', by: ['srv'], filters: {} });
  };

  it.each([false, true])('retracts the previous version of an amended record (folded between: %s)', (foldBetween) => {
    h = harness({ fold: foldBetween });
    const first = request({ at: '2026-10-05T09:00:00Z', srv: '4.1.1', rttMs: 3000, gatewayOnly: true, counter: 1 }, h.catalogue);
    h.write([first]);
    // A late hop brought the HAN points: the record now has a DCC time.
    const amended = { ...request({ at: '2026-10-05T09:00:00Z', srv: '4.1.1', rttMs: 3000, hanMs: 1000, counter: 1 }, h.catalogue), amendments: 1 };
    const id = h.store.journeysByKey(first.key)[0]!.id;
    h.write([writeOf(amended, { id, previous: first })]);

    const [row] = monthRows(h);
    expect(row).toMatchObject({ volume: 1, successes: 1, rttUs: { count: 1, median: 3 * S }, dccUs: { count: 1, median: 2 * S } });
  });

  it('retracts an amended failure\'s reason and adds the new outcome', () => {
    h = harness({ fold: true });
    const timedOut = request({ at: '2026-10-05T09:00:00Z', srv: '4.1.1', unanswered: true, counter: 2 }, h.catalogue);
    h.write([timedOut]);
    const answered = { ...request({ at: '2026-10-05T09:00:00Z', srv: '4.1.1', rttMs: 40_000, counter: 2 }, h.catalogue), amendments: 1 };
    h.write([writeOf(answered, { id: h.store.journeysByKey(timedOut.key)[0]!.id, previous: timedOut })]);
    const [row] = monthRows(h);
    expect(row).toMatchObject({ volume: 1, successes: 1, failuresByReason: {}, trt: { measured: 1, within: 0 } });
  });

  it('counts nothing of a tick whose transaction rolled back, then counts it once when written again', () => {
    h = harness();
    const r = request({ at: '2026-10-05T09:00:00Z', srv: '4.1.1', context: { deviceModel: 'NEW-MODEL' } }, h.catalogue);
    const hx = h;
    expect(() => hx.store.transaction(() => {
      hx.engine.sink.onRecords([writeOf(r)], 0);
      throw new Error('disk full');
    })).toThrow('disk full');
    hx.engine.sink.rolledBack();
    // A group created in the rolled-back tick must not keep an id that another group then takes.
    const other = request({ at: '2026-10-05T09:05:00Z', srv: '1.2.1', context: { deviceModel: 'OTHER' } }, h.catalogue);
    h.write([other]);
    h.write([r]);

    const [fromMs, toMs] = h.engine.source.calendar.monthRange('2026-10');
    const rows = rsvpRows(h.engine.source, { fromMs, toMs, period: 'month', by: ['srv', 'deviceModel'], filters: {} });
    expect(rows.map((x) => [x.srv, x.deviceModel, x.volume])).toEqual([['1.2.1', 'OTHER', 1], ['4.1.1', 'NEW-MODEL', 1]]);
    expect(h.engine.sink.counters.rollbacksSeen).toBe(1);
  });

  it('rebuilds the rollups from stored records when the catalogue changes', () => {
    const store = openSqliteStore({ file: ':memory:', synchronous: 'normal' });
    const before = harness({ store, fold: true });
    before.write([
      request({ at: '2026-10-05T09:00:00Z', srv: '4.1.1', rttMs: 4000 }, before.catalogue),
      request({ at: '2026-10-05T09:01:00Z', srv: '4.1.1', rttMs: 6000 }, before.catalogue),
    ]);
    expect(monthRows(before)[0]!.rttTarget.measured).toBe(0);

    const withTarget = createCatalogue({ ...before.catalogue.data, rttTargets: [{ srv: '4.1.1', seconds: 5, from: '2026-01-01', source: 'hopwatch' }] });
    const rebuilt = harness({ store, catalogue: withTarget });
    h = rebuilt;

    expect(monthRows(rebuilt)[0]).toMatchObject({ volume: 2, rttTarget: { measured: 2, within: 1 } });
    // The rebuilt day is compacted again, not left half-known.
    rebuilt.foldNow(Date.parse('2026-11-01T00:00:00Z'));
    // One hour row and one day row, each in two parts.
    expect([rebuilt.ports.rollups.rowCount(0), rebuilt.ports.rollups.rowCount(1)]).toEqual([2, 2]);
    expect(monthRows(h)[0]).toMatchObject({ volume: 2, rttTarget: { measured: 2, within: 1 } });
  });
});
