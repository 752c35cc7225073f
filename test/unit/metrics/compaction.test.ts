// Closed days get rollup rows of their own (per SRV); a query reads day rows where they cover
// its range and hour rows elsewhere. The figures must not depend on which rows were read, and
// a record that arrives (or is amended) after its day was compacted must still count, once.
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyRecord } from '../../../collector/join/journey-record.js';
import type { Period } from '../../../collector/metrics/rollup-query.js';
import type { Aggregate } from '../../../collector/metrics/aggregate.js';
import { createFolder } from '../../../collector/metrics/fold.js';
import { PART } from '../../../collector/metrics/rollup-levels.js';
import { partsFor } from '../../../collector/metrics/rollup-query.js';
import { mergeRow } from '../../../collector/metrics/rollup-row.js';
import { rsvpRows } from '../../../collector/metrics/rsvp.js';
import { harness, request, writeOf, type Harness } from './harness.js';

const DAY_MS = 86_400_000;

describe('compaction of closed days', () => {
  const open: Harness[] = [];
  afterEach(() => open.splice(0).forEach((h) => h.close()));
  const make = (fold: boolean) => {
    const h = harness({ fold, config: { compactAfterMinutes: 60 } });
    open.push(h);
    return h;
  };

  const traffic = (h: Harness, model = 'EM-A1'): JourneyRecord[] => ['2026-10-01T00:30:00Z', '2026-10-05T09:00:00Z', '2026-10-05T23:30:00Z', '2026-10-31T23:10:00Z', '2026-11-02T10:00:00Z']
    .flatMap((at, i) => [1, 2, 3].map((k) => request({
      at: new Date(Date.parse(at) + k * 60_000).toISOString(), srv: k === 3 ? '1.2.1' : '4.1.1', rttMs: 1000 * (i + k), code: k === 2 && i === 1 ? 'E20' : 'I0',
      counter: model === 'EM-A1' ? i * 10 + k : 100 + i * 10 + k, context: { deviceModel: model },
    }, h.catalogue)));

  /** Folds at a time after everything closed, until nothing more compacts. */
  const settle = (h: Harness, nowMs: number) => {
    for (let i = 0; i < 20; i++) h.foldNow(nowMs);
  };
  // Part 1 of each row: the groups (part 0, the all-requests aggregate, comes with it).
  const dayRows = (h: Harness) => [...h.ports.rollups.dayRows(0, Number.MAX_SAFE_INTEGER, { part: PART.GROUPS })].map((r) => {
    const entries = new Map<number, Aggregate>();
    mergeRow(r.data, entries, partsFor(true));
    return { dayMs: r.startMs, srv: r.srv, records: [...entries.values()].reduce((n, a) => n + a.volume, 0) };
  }).sort((a, b) => a.dayMs - b.dayMs || a.srv.localeCompare(b.srv));
  const rows = (h: Harness, period: Period, filters: Record<string, string[]> = {}) => {
    const [fromMs] = h.engine.source.calendar.monthRange('2026-10');
    const [, toMs] = h.engine.source.calendar.monthRange('2026-11');
    return rsvpRows(h.engine.source, { fromMs, toMs, period, by: ['srv'], filters });
  };

  it('compacts each closed local day, SRV by SRV, into day rows', () => {
    const h = make(true);
    h.write(traffic(h), Date.parse('2026-11-02T12:00:00Z'));
    settle(h, Date.parse('2026-11-02T12:00:00Z'));
    const cal = h.engine.source.calendar;
    // 23:30 UTC on 5 October is the 6th in BST; 2 November has not ended yet.
    expect(dayRows(h)).toEqual([
      { dayMs: cal.startOfDay('2026-10-01'), srv: '1.2.1', records: 1 }, { dayMs: cal.startOfDay('2026-10-01'), srv: '4.1.1', records: 2 },
      { dayMs: cal.startOfDay('2026-10-05'), srv: '1.2.1', records: 1 }, { dayMs: cal.startOfDay('2026-10-05'), srv: '4.1.1', records: 2 },
      { dayMs: cal.startOfDay('2026-10-06'), srv: '1.2.1', records: 1 }, { dayMs: cal.startOfDay('2026-10-06'), srv: '4.1.1', records: 2 },
      { dayMs: cal.startOfDay('2026-10-31'), srv: '1.2.1', records: 1 }, { dayMs: cal.startOfDay('2026-10-31'), srv: '4.1.1', records: 2 },
    ]);
  });

  it('compacts no more than the budget allows in one fold (at least one pair), and the rest in later folds', () => {
    const h = make(false);
    h.write(traffic(h));
    // A clock on which every compacted pair takes 30 ms, against a budget of 50 ms.
    let now = 0;
    const folder = createFolder(h.ports.rollups, h.engine.source.groups, h.engine.source.levels, partsFor(true), { compactAfterMs: 3_600_000, compactBudgetMs: 50, clockMs: () => (now += 30) });
    const at = Date.parse('2026-11-02T12:00:00Z');
    const fold = () => {
      h.store.transaction(() => folder.fold(at));
      folder.committed();
    };
    fold();
    expect(dayRows(h)).toHaveLength(2);
    for (let i = 0; i < 3; i++) fold();
    expect(dayRows(h)).toHaveLength(8);
  });

  it.each<Period>(['month', 'day', 'hour', 'total'])('gives the same %s figures from day rows as from hour rows', (period) => {
    const compacted = make(true);
    compacted.write(traffic(compacted), Date.parse('2026-11-02T12:00:00Z'));
    settle(compacted, Date.parse('2026-11-02T12:00:00Z'));
    const plain = make(false);
    plain.write(traffic(plain));
    expect(rows(compacted, period)).toEqual(rows(plain, period));
    expect(rows(compacted, 'month').map((r) => [r.period, r.srv, r.volume])).toEqual([
      ['2026-10', '1.2.1', 4], ['2026-10', '4.1.1', 8], ['2026-11', '1.2.1', 1], ['2026-11', '4.1.1', 2],
    ]);
  });

  it('reads hour rows for the part-days at either end of a range that does not start or end at midnight', () => {
    const compacted = make(true);
    compacted.write(traffic(compacted), Date.parse('2026-11-02T12:00:00Z'));
    settle(compacted, Date.parse('2026-11-02T12:00:00Z'));
    const plain = make(false);
    plain.write(traffic(plain));
    const total = (h: Harness) => rsvpRows(h.engine.source, {
      fromMs: Date.parse('2026-10-05T09:00:00Z'), toMs: Date.parse('2026-10-31T23:12:00Z'), period: 'total', by: ['srv'], filters: {},
    });
    expect(total(compacted)).toEqual(total(plain));
    // 09:01-09:03 and 23:31-23:33 on the 5th (the 6th in BST), 23:11 on the 31st (hour 23:00 is in range).
    expect(total(compacted).map((r) => [r.srv, r.volume])).toEqual([['1.2.1', 3], ['4.1.1', 6]]);
  });

  it.each<Period>(['month', 'day', 'total'])('gives the same %s figures per SRV from the all-requests entries as from every group', (period) => {
    const h = make(true);
    h.write([...traffic(h), ...traffic(h, 'EM-B7')], Date.parse('2026-11-02T12:00:00Z'));
    settle(h, Date.parse('2026-11-02T12:00:00Z'));
    // Every record here is NORTH: filtering on the region forces the per-group path.
    expect(rows(h, period)).toEqual(rows(h, period, { region: ['NORTH'] }));
    expect(rows(h, period)[0]!.volume).toBeGreaterThan(0);
  });

  it('counts a record written after its day was compacted, and retracts an amended one, in hour and day rows', () => {
    const h = make(true);
    h.write(traffic(h), Date.parse('2026-11-02T12:00:00Z'));
    settle(h, Date.parse('2026-11-02T12:00:00Z'));
    const late = request({ at: '2026-10-05T09:30:00Z', srv: '4.1.1', rttMs: 60_000, gatewayOnly: true, counter: 99 }, h.catalogue);
    h.write([late], Date.parse('2026-11-03T00:00:00Z'));
    const amended = { ...request({ at: '2026-10-05T09:30:00Z', srv: '4.1.1', rttMs: 60_000, counter: 99 }, h.catalogue), amendments: 1 };
    h.write([writeOf(amended, { id: h.store.journeysByKey(late.key)[0]!.id, previous: late })], Date.parse('2026-11-03T00:00:00Z') + DAY_MS);

    expect(rows(h, 'month').find((r) => r.period === '2026-10' && r.srv === '4.1.1')).toMatchObject({ volume: 9, rttUs: { count: 9, max: 60e6 }, dccUs: { count: 9 } });
    expect(rows(h, 'day').find((r) => r.period === '2026-10-05' && r.srv === '4.1.1')).toMatchObject({ volume: 3, dccUs: { count: 3 } });
    const plain = make(false);
    plain.write([...traffic(plain), amended]);
    for (const period of ['hour', 'day', 'month'] as const) expect(rows(h, period)).toEqual(rows(plain, period));
  });
});
