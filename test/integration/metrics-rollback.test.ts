// The metric engine's sink follows the store transaction (collector/join/record-sink.ts):
// when the transaction fails after onRecords, rolledBack() leaves every tracker as before,
// and the same records written again count once, as if the failure never happened.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyRecord } from '../../collector/join/journey-record.js';
import { availabilityByRegion } from '../../collector/metrics/availability-report.js';
import { cosRows } from '../../collector/metrics/change-of-supplier.js';
import { rsvpRows } from '../../collector/metrics/rsvp.js';
import { topUpRows } from '../../collector/metrics/top-ups.js';
import { openSqliteStore } from '../../collector/store/sqlite-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { DEVICE_1, DEVICE_2, harness, PARTY_A, PARTY_B, request, writeOf, type Harness } from '../unit/metrics/harness.js';

const utc = (iso: string) => Date.parse(iso);
const DEVICE_3 = '00-DB-12-34-56-78-90-A3';
const FIRST_NOW = utc('2026-10-05T10:30:00Z');
/** Two days later: 5 October has closed, so the tick's fold compacts it. */
const SECOND_NOW = utc('2026-10-07T12:00:00Z');

describe('metric engine after a rolled-back transaction', () => {
  const dir = tempDir();
  const open: Harness[] = [];
  afterEach(() => open.splice(0).forEach((h) => h.close()));
  let files = 0;
  const make = () => {
    const h = harness({ store: openSqliteStore({ file: join(dir.path, `metrics-${files++}.db`), synchronous: 'normal' }), fold: true, config: { compactAfterMinutes: 60 } });
    open.push(h);
    return h;
  };

  /** A 6.23 that reported a failure, a request, a failed top-up. */
  const firstTick = (h: Harness): JourneyRecord[] => [
    request({ at: '2026-10-05T10:00:00Z', srv: '6.23', party: PARTY_A, device: DEVICE_1, code: 'E21', counter: 1 }, h.catalogue),
    request({ at: '2026-10-05T09:00:00Z', srv: '4.1.1', party: PARTY_A, device: DEVICE_2, counter: 2, context: { deviceModel: 'EM-A1' } }, h.catalogue),
    request({ at: '2026-10-05T10:05:00Z', srv: '2.2', party: PARTY_A, device: DEVICE_3, code: 'E21', counter: 3 }, h.catalogue),
  ];
  /** The SR that rescues the 6.23, another failed 6.23 (a new reason), a new group, the top-up's retry. */
  const secondTick = (h: Harness): JourneyRecord[] => [
    request({ at: '2026-10-05T10:20:00Z', srv: '1.1.1', party: PARTY_A, device: DEVICE_1, counter: 4 }, h.catalogue),
    request({ at: '2026-10-05T10:40:00Z', srv: '6.23', party: PARTY_B, device: DEVICE_2, code: 'E20', counter: 5 }, h.catalogue),
    request({ at: '2026-10-05T11:00:00Z', srv: '4.1.1', party: PARTY_A, device: DEVICE_2, counter: 6, context: { deviceModel: 'NEW-MODEL' } }, h.catalogue),
    request({ at: '2026-10-05T10:10:00Z', srv: '2.2', party: PARTY_A, device: DEVICE_3, counter: 7 }, h.catalogue),
  ];

  const writeAt = (h: Harness, records: readonly JourneyRecord[], nowMs: number) => {
    h.store.upsertAgentStatus('csp-1', { state: 'online' }, nowMs);
    h.write(records, nowMs);
  };
  /** The tick as ingest runs it, with a store that fails at the commit. */
  const failAt = (h: Harness, records: readonly JourneyRecord[], nowMs: number) => {
    const writes = records.map((r) => writeOf(r));
    h.store.upsertAgentStatus('csp-1', { state: 'online' }, nowMs);
    expect(() => h.store.transaction(() => {
      h.store.writeTick({ records: writes, closedOpenKeys: [] }, nowMs);
      h.engine.sink.onRecords(writes, nowMs);
      h.engine.sink.foldNow(nowMs);
      throw new Error('disk full');
    })).toThrow('disk full');
    h.engine.sink.rolledBack();
  };

  /** What the engine reports and holds (timings left out). */
  const state = (h: Harness) => {
    const { source } = h.engine;
    const [fromMs, toMs] = source.calendar.monthRange('2026-10');
    const q = { fromMs, toMs, period: 'month' as const, filters: {} };
    const { records, retractions, folds, foldedRecords, rollbacksSeen } = h.engine.sink.counters;
    return {
      rsvp: rsvpRows(source, { ...q, by: ['srv', 'deviceModel'] }).map((r) => [r.srv, r.deviceModel, r.volume, r.successes]),
      cos: cosRows(source, { ...q, by: [] }).map((r) => [r.requests, r.rescued, r.failuresByReason]),
      topUps: topUpRows(source, { ...q, by: [] }).map((r) => [r.attempt, r.attempts]),
      availability: availabilityByRegion(source, h.engine.log, { fromMs: utc('2026-10-05T09:00:00Z'), toMs: utc('2026-10-05T12:00:00Z'), regions: ['NORTH'] }, h.engine.config.availability),
      groups: source.groups.all().size,
      rollupRows: [h.ports.rollups.rowCount(0), h.ports.rollups.rowCount(1)],
      pendingFacts: h.ports.rollups.pendingFactCount(),
      counters: { records, retractions, folds, foldedRecords, rollbacksSeen },
    };
  };

  it('leaves the rollups and every tracker as they were before the tick', () => {
    const h = make();
    writeAt(h, firstTick(h), FIRST_NOW);
    const before = state(h);

    failAt(h, secondTick(h), SECOND_NOW);

    expect(state(h)).toEqual({ ...before, counters: { ...before.counters, rollbacksSeen: 1 } });
  });

  it('counts records written again after a rollback once, as if written once', () => {
    const once = make();
    writeAt(once, firstTick(once), FIRST_NOW);
    writeAt(once, secondTick(once), SECOND_NOW);

    const retried = make();
    writeAt(retried, firstTick(retried), FIRST_NOW);
    const second = secondTick(retried);
    failAt(retried, second, SECOND_NOW);
    writeAt(retried, second, SECOND_NOW);

    const expected = state(once);
    expect(expected.rsvp).toHaveLength(5);
    expect(expected.cos).toEqual([[2, 1, { 'unable-to-communicate': 1 }]]);
    expect(state(retried)).toEqual({ ...expected, counters: { ...expected.counters, rollbacksSeen: 1 } });
  });
});
