// Several collectors on one PostgreSQL store each write record facts, and fold them into the
// shared rollup rows: one fold at a time (the others' facts wait for the next), and a collector
// whose picture of which days are compacted another fold has changed reads it again. The rollups
// end as one collector on SQLite makes them from the same records.
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../collector/catalogue/catalogue.js';
import type { RecordWrite } from '../../../collector/join/joiner.js';
import { createMetricEngine, type MetricEngine } from '../../../collector/metrics/engine.js';
import type { Aggregate } from '../../../collector/metrics/aggregate.js';
import { ALL_REQUESTS } from '../../../collector/metrics/groups.js';
import { metricsDefaults } from '../../../collector/metrics/metrics-config.js';
import { partsFor } from '../../../collector/metrics/rollup-query.js';
import { PART } from '../../../collector/metrics/rollup-levels.js';
import { mergeRow } from '../../../collector/metrics/rollup-row.js';
import { postgresMetricPorts } from '../../../collector/store/postgres/metric-ports.js';
import { openPostgresStore } from '../../../collector/store/postgres/postgres-store.js';
import type { MetricPorts } from '../../../collector/store/ports/metric-ports.js';
import { silentLogger } from '../../../common/logger.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { harness, PARTY_A, request, writeOf } from '../../unit/metrics/harness.js';

const catalogue = loadCatalogue();
const CONFIG = { ...metricsDefaults, compactAfterMinutes: 600 };
const DAY = '2026-10-05';
const NEXT_DAY = '2026-10-06';
const at = (iso: string) => Date.parse(iso);

const device = (i: number) => `00-DB-12-34-56-78-9A-${i.toString(16).padStart(2, '0').toUpperCase()}`;
let counter = 1;
/** Requests (SRV 4.1.1) of `devices`, one each, at `time` on `day`. */
const writes = (day: string, time: string, devices: readonly number[]): RecordWrite[] =>
  devices.map((d) => writeOf(request({ at: `${day}T${time}Z`, srv: '4.1.1', party: PARTY_A, device: device(d), counter: counter++ }, catalogue)));
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** Requests counted on the day starting `dayMs`: in its day row, and in its hour rows. */
function requestsIn(ports: MetricPorts, dayMs: number) {
  const parts = partsFor(CONFIG.exactValues);
  const volume = (rows: Iterable<{ data: Uint8Array }>) => {
    let n = 0;
    for (const { data } of rows) {
      const entries = new Map<number, Aggregate>();
      mergeRow(data, entries, parts);
      n += entries.get(ALL_REQUESTS)?.volume ?? 0;
    }
    return n;
  };
  const dayRows = [...ports.rollups.dayRows(dayMs, dayMs, { part: PART.ALL_REQUESTS })];
  // Hour rows of the day, compacted or not (an empty day range leaves none out).
  const hourRows = ports.rollups.uncompactedHourRows(dayMs, dayMs + 86_400_000, 0, -1, { part: PART.ALL_REQUESTS });
  return { dayRows: dayRows.length, dayRequests: volume(dayRows), hourRequests: volume(hourRows) };
}

interface Collector { readonly ports: MetricPorts; readonly engine: MetricEngine; close(): void }

describe('folding record facts from two collectors on one PostgreSQL store', () => {
  const postgres = useTestPostgres();
  const open: Collector[] = [];
  afterAll(() => {
    for (const c of open) c.close();
  });

  const collector = (url: string): Collector => {
    const store = openPostgresStore({ url });
    const ports = postgresMetricPorts(store.db);
    const engine = createMetricEngine({ ports, catalogue, config: CONFIG, agentStatuses: () => [], logger: silentLogger, nowMs: () => 0 });
    const c = { ports, engine, close: () => store.close() };
    open.push(c);
    return c;
  };
  /** One ingest tick of `c`: its records' facts and a fold, in one transaction. */
  const tick = (c: Collector, records: readonly RecordWrite[], nowMs: number) => {
    c.ports.transaction(() => {
      c.engine.sink.onRecords(records, nowMs);
      c.engine.sink.foldNow(nowMs);
    });
    c.engine.sink.committed();
  };
  it('fold one at a time, and end with the rollups one collector makes of the same records', () => {
    const url = postgres.freshDatabase();
    const a = collector(url);
    const b = collector(url);
    const steps: { by: 'a' | 'b'; records: RecordWrite[]; nowMs: number }[] = [];
    const run = (by: 'a' | 'b', records: RecordWrite[], nowMs: number) => {
      steps.push({ by, records, nowMs });
      tick(by === 'a' ? a : b, records, nowMs);
    };

    run('a', writes(DAY, '09:00:00', range(0, 10)), at(`${DAY}T12:00:00Z`));
    run('b', writes(DAY, '09:10:00', range(10, 10)), at(`${DAY}T12:00:00Z`));
    run('a', writes(DAY, '10:00:00', range(30, 10)), at(`${DAY}T12:30:00Z`));
    // While a's fold holds its turn (taken in a transaction of a's that writes nothing else, so
    // that b waits on no row of it), b's tick writes its facts and folds none of them.
    const late = writes(DAY, '10:00:00', range(20, 10));
    let bPendingAfterItsTick = -1;
    a.ports.transaction(() => {
      expect(a.ports.rollups.takeFoldTurn()).toBeDefined();
      run('b', late, at(`${DAY}T12:30:00Z`));
      bPendingAfterItsTick = b.ports.rollups.pendingFactCount();
    });
    expect(bPendingAfterItsTick).toBe(10);
    // The day ended ten hours ago by a's clock: a folds b's waiting facts and compacts the day.
    run('a', writes(NEXT_DAY, '01:00:00', [40]), at(`${NEXT_DAY}T09:30:00Z`));
    expect(a.ports.rollups.pendingFactCount()).toBe(0);
    expect(a.ports.rollups.rowDays().some((r) => r.level === 1)).toBe(true);
    // b last saw the day open, and by its clock (an hour behind) it is not due: a late request of
    // that day must reach the day row a made, too.
    run('b', writes(DAY, '11:00:00', [41]), at(`${NEXT_DAY}T08:30:00Z`));

    const dayRow = a.ports.rollups.rowDays().find((r) => r.level === 1)!;
    const single = harness({ catalogue, config: CONFIG, fold: true });
    try {
      for (const s of steps) single.write(s.records, s.nowMs);
      const shared = requestsIn(a.ports, dayRow.dayMs);
      expect(shared).toEqual(requestsIn(single.ports, dayRow.dayMs));
      expect(shared).toEqual({ dayRows: 1, dayRequests: 41, hourRequests: 41 });
      expect(a.ports.rollups.pendingFactCount()).toBe(0);
    } finally {
      single.close();
    }
  });
});
