// A tick through the metric engine on PostgreSQL costs a handful of statements, however many
// records it carries (the sequence rules and Change of Supplier write per record: their ports
// buffer the writes and send each port's as one statement at COMMIT), and decides what the
// same ticks decide on SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/logger.js';
import { loadCatalogue, type Catalogue } from '../../../collector/catalogue/catalogue.js';
import type { RecordWrite } from '../../../collector/join/joiner.js';
import { createMetricEngine } from '../../../collector/metrics/engine.js';
import { metricsDefaults } from '../../../collector/metrics/metrics-config.js';
import type { MetricPorts } from '../../../collector/store/ports/metric-ports.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { openTestMetricDatabase, type TestMetricDatabase } from '../../helpers/postgres-metric-store.js';
import { harness, PARTY_A, request, writeOf, type Harness } from '../../unit/metrics/harness.js';

const RECORDS_PER_TICK = 1000;
/** Per device and tick: a commissioning, the 1.1.1 it attributes, a failed top-up and its retry, a failed 6.23. */
const PER_DEVICE = ['8.1.1', '1.1.1', '2.2', '2.2', '6.23'] as const;
const DEVICES = RECORDS_PER_TICK / PER_DEVICE.length;
/** Statements the engine may send in one tick (facts, activity, the sequence, CoS, estate, alert-sequence and failure-link flushes, COMMIT …), whatever its size. */
const MAX_STATEMENTS_PER_TICK = 30;
/** Half an hour apart, within the fold interval: no fold runs in a tick (its statements are per rollup row, not per record). */
const TICKS = [Date.parse('2026-10-05T12:00:00Z'), Date.parse('2026-10-05T12:30:00Z')];
const CONFIG = { ...metricsDefaults, foldIntervalMs: 3_600_000 };

const deviceName = (i: number) => `00-DB-12-34-56-78-${(i >> 8).toString(16).padStart(2, '0').toUpperCase()}-${(i & 255).toString(16).padStart(2, '0').toUpperCase()}`;

/** One tick's records: every device's five SRs, ten seconds apart, in start order per device (about a minute of activity). */
function tickWrites(c: Catalogue, tick: number, counter: { next: number }): RecordWrite[] {
  const writes: RecordWrite[] = [];
  for (let d = 0; d < DEVICES; d++) {
    PER_DEVICE.forEach((srv, step) => {
      const at = new Date(Date.parse('2026-10-05T09:00:00Z') + tick * 1_800_000 + step * 10_000 + d * 100).toISOString();
      const failed = (srv === '2.2' && step === 2) || srv === '6.23';
      writes.push(writeOf(request({ at, srv, party: PARTY_A, device: deviceName(d), code: failed ? 'E21' : undefined, counter: counter.next++ }, c)));
    });
  }
  return writes;
}

/** What the sequence rules and Change of Supplier decided, read through the ports. */
function decided(ports: MetricPorts, writes: readonly RecordWrite[]) {
  return {
    tags: writes.map((w) => ports.sequence.tagOf(w.record.key, w.record.startedUs) ?? ''),
    events: Array.from({ length: DEVICES }, (_, d) => ports.sequence.deviceEvents(deviceName(d)).sort((a, b) => a.srv.localeCompare(b.srv))),
    topUps: Array.from({ length: DEVICES }, (_, d) => ports.sequence.topUp(deviceName(d))),
    cos: ports.cos.requestsBetween(0, Number.MAX_SAFE_INTEGER),
  };
}

describe('a metric engine tick on PostgreSQL', () => {
  const postgres = useTestPostgres();
  const catalogue = loadCatalogue();
  const counter = { next: 1 };
  const ticks = TICKS.map((_, i) => tickWrites(catalogue, i, counter));
  let pg: TestMetricDatabase;
  let sqlite: Harness;
  const statements: number[] = [];

  beforeAll(() => {
    pg = openTestMetricDatabase(postgres.freshDatabase());
    sqlite = harness({ catalogue, config: CONFIG });
    const engine = createMetricEngine({ ports: pg.ports, catalogue, config: CONFIG, agentStatuses: () => [], logger: silentLogger, nowMs: () => 0 });
    ticks.forEach((writes, i) => {
      let before = 0;
      pg.ports.transaction(() => {
        pg.storeRecords(writes);
        before = pg.db.statements;
        engine.sink.onRecords(writes, TICKS[i]!);
      });
      engine.sink.committed();
      statements.push(pg.db.statements - before);
      sqlite.write(writes, TICKS[i]);
    });
  }, 120_000);
  afterAll(() => {
    pg.close();
    sqlite.close();
  });

  it(`sends fewer than ${MAX_STATEMENTS_PER_TICK} statements for ${RECORDS_PER_TICK} records, the first tick and the one that reads its state`, () => {
    expect(statements).toHaveLength(TICKS.length);
    for (const n of statements) expect(n).toBeLessThan(MAX_STATEMENTS_PER_TICK);
  });

  it('tags, remembers and records Change of Supplier requests as the same ticks do on SQLite', () => {
    const all = ticks.flat();
    const fromPostgres = decided(pg.ports, all);
    expect(fromPostgres).toEqual(decided(sqlite.ports, all));
    // Each 1.1.1 reads its device's 8.1.1 and each retry its failed attempt, written earlier in the same tick.
    expect(new Set(fromPostgres.tags)).toEqual(new Set(['', 'attr:after-8.1.1', 'attempt:1', 'attempt:2']));
    expect(fromPostgres.cos).toHaveLength(DEVICES * TICKS.length);
  });
});
