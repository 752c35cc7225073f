// Reliability per month from recorded incidents (MP122 Requirement 3, "Measuring Service
// reliability": MTTR = total repair time / repairs; MTBF = operating hours / failures).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reliability } from '../../../collector/metrics/reliability.js';
import type { OperationsLog } from '../../../collector/store/ports/operations-log.js';
import { openSqliteStore, type SqliteStore } from '../../../collector/store/sqlite-store.js';
import { sqliteMetricPorts } from '../../../collector/store/sqlite/metric-ports.js';

const utc = (iso: string) => Date.parse(iso);

describe('reliability', () => {
  let store: SqliteStore;
  let log: OperationsLog;
  beforeEach(() => {
    store = openSqliteStore({ file: ':memory:', synchronous: 'normal' });
    log = sqliteMetricPorts(store).operations;
  });
  afterEach(() => store.close());

  const incident = (category: number, from: string, to: string | null, region: string | null = null) =>
    log.addIncident({ category, region, service: 'DCC User Interface', startedMs: utc(from), resolvedMs: to === null ? null : utc(to), description: '' });

  /**
   * November 2026 (720 h): a category 2 incident repaired in 2 h and a category 3 in 4 h, plus
   * a category 4 opened on the 30th at 22:00 and still open. MTTR = (2 + 4) / 2 = 3 h.
   * Time under incidents: 2 + 4 + 2 = 8 h → operating time 712 h; 3 failures → MTBF 237.33 h.
   */
  it('gives incidents per category, MTTR and MTBF for a month', () => {
    incident(2, '2026-11-03T10:00:00Z', '2026-11-03T12:00:00Z');
    incident(3, '2026-11-12T00:00:00Z', '2026-11-12T04:00:00Z', 'NORTH');
    incident(4, '2026-11-30T22:00:00Z', null);
    incident(1, '2026-10-01T00:00:00Z', '2026-10-01T01:00:00Z');
    const r = reliability(log, { fromMs: utc('2026-11-01T00:00:00Z'), toMs: utc('2026-12-01T00:00:00Z') });
    expect(r).toMatchObject({ opened: 3, resolved: 2, mttrHours: 3, operatingHours: 712, mtbfHours: 237.33 });
    expect(r.categories.map((c) => [c.category, c.opened, c.resolved, c.mttrHours])).toEqual([[1, 0, 0, null], [2, 1, 1, 2], [3, 1, 1, 4], [4, 1, 0, null], [5, 0, 0, null]]);
  });

  it('counts overlapping incidents\' downtime once, and keeps other regions\' incidents out', () => {
    incident(3, '2026-11-03T10:00:00Z', '2026-11-03T14:00:00Z', 'SOUTH');
    incident(3, '2026-11-03T12:00:00Z', '2026-11-03T16:00:00Z', 'SOUTH');
    incident(3, '2026-11-04T12:00:00Z', '2026-11-04T16:00:00Z', 'NORTH');
    const r = reliability(log, { fromMs: utc('2026-11-01T00:00:00Z'), toMs: utc('2026-12-01T00:00:00Z'), region: 'SOUTH' });
    expect(r).toMatchObject({ opened: 2, operatingHours: 720 - 6, mtbfHours: 357, mttrHours: 4 });
  });
});
