// `hopwatch report --store postgres://…`: the metric engine fills a PostgreSQL database the way
// ingest does (records and sink in one transaction per tick, folds, a closed day compacted),
// and every report read from it read-only is the one the same ticks give on a SQLite file.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/logger.js';
import type { JourneyRecord } from '../../../collector/join/journey-record.js';
import { loadCatalogue, type Catalogue } from '../../../collector/catalogue/catalogue.js';
import { createMetricEngine } from '../../../collector/metrics/engine.js';
import { metricsDefaults } from '../../../collector/metrics/metrics-config.js';
import { reportCommand } from '../../../collector/reports/report-command.js';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { openTestMetricDatabase } from '../../helpers/postgres-metric-store.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { DEVICE_1, DEVICE_2, harness, PARTY_A, request, writeOf } from '../../unit/metrics/harness.js';

const utc = (iso: string) => Date.parse(iso);
/** 5 October is still open at the first tick; two days later it has closed and the fold compacts it. */
const TICKS = [utc('2026-10-05T12:00:00Z'), utc('2026-10-07T12:00:00Z')];
const CONFIG = { ...metricsDefaults, compactAfterMinutes: 60 };

/** Two ticks: RSVP figures in two regions, a failed 6.23 and the SR that rescues it, a failed top-up and its retry. */
const ticks = (c: Catalogue): JourneyRecord[][] => [
  [
    request({ at: '2026-10-05T09:00:00Z', srv: '4.1.1', rttMs: 2000, context: { cspRegion: 'NORTH' } }, c),
    request({ at: '2026-10-05T09:01:00Z', srv: '4.1.1', rttMs: 4000, context: { cspRegion: 'NORTH' } }, c),
    request({ at: '2026-10-05T10:00:00Z', srv: '6.23', party: PARTY_A, device: DEVICE_1, code: 'E21', counter: 1 }, c),
    request({ at: '2026-10-05T10:05:00Z', srv: '2.2', party: PARTY_A, device: DEVICE_2, code: 'E21', counter: 2 }, c),
  ],
  [
    request({ at: '2026-10-05T10:20:00Z', srv: '1.1.1', party: PARTY_A, device: DEVICE_1, counter: 3 }, c),
    request({ at: '2026-10-05T10:10:00Z', srv: '2.2', party: PARTY_A, device: DEVICE_2, counter: 4 }, c),
    request({ at: '2026-10-06T09:00:00Z', srv: '4.1.1', rttMs: 3000, code: 'E20', context: { cspRegion: 'SOUTH' } }, c),
  ],
];

describe('hopwatch report on a PostgreSQL store', () => {
  const postgres = useTestPostgres();
  const dir = tempDir();
  const file = join(dir.path, 'hopwatch.db');
  let url: string;
  let compactedDays: number;

  beforeAll(() => {
    const catalogue = loadCatalogue();
    const sqlite = harness({ store: openSqliteStore({ file, synchronous: 'normal' }), fold: true, config: CONFIG, catalogue });
    ticks(catalogue).forEach((records, i) => sqlite.write(records, TICKS[i]));
    sqlite.close();

    url = postgres.freshDatabase();
    const pg = openTestMetricDatabase(url);
    const engine = createMetricEngine({ ports: pg.ports, catalogue, config: CONFIG, agentStatuses: () => [], logger: silentLogger, nowMs: () => 0 });
    ticks(catalogue).forEach((records, i) => {
      const writes = records.map((r) => writeOf(r));
      pg.ports.transaction(() => {
        pg.storeRecords(writes);
        engine.sink.onRecords(writes, TICKS[i]!);
        engine.sink.foldNow(TICKS[i]!);
      });
      engine.sink.committed();
    });
    compactedDays = pg.ports.rollups.rowCount(1);
    pg.close();
  }, 120_000);
  afterAll(() => dir.cleanup());

  const run = async (argv: string[]) => {
    const chunks: (string | Buffer)[] = [];
    await reportCommand(argv, (c) => chunks.push(c));
    return chunks.map(String).join('');
  };

  it('writes the monthly RSVP by SRV and region from PostgreSQL, a closed day read from its day rows', async () => {
    const csv = await run(['rsvp', '--store', url, '--month', '2026-10', '--by', 'srv,region']);
    const [header, ...lines] = csv.trimEnd().split('\r\n');
    const columns = header!.split(',');
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])));
    expect(compactedDays).toBeGreaterThan(0);
    expect(rows.filter((r) => r.srv === '4.1.1').map((r) => [r.period, r.region, r.volume, r['rttUs.median']])).toEqual([
      ['2026-10', 'NORTH', '2', '3000000'],
      ['2026-10', 'SOUTH', '1', '3000000'],
    ]);
  });

  it.each([
    ['rsvp', '--month', '2026-10', '--by', 'srv,region'],
    ['processes', '--month', '2026-10'],
    ['attribution', '--from', '2026-10-05', '--to', '2026-10-07'],
    ['top-ups', '--from', '2026-10-05', '--to', '2026-10-07', '--format', 'json'],
    ['change-of-supplier', '--month', '2026-10', '--format', 'json'],
  ])('gives the %s report the same ticks give on SQLite', async (...args) => {
    const fromPostgres = await run([...args, '--store', url]);
    expect(fromPostgres).toBe(await run([...args, '--store', file]));
    expect(fromPostgres.length).toBeGreaterThan(0);
  });

  it('refuses a database without the metric tables, and a server it cannot reach, with stable codes', async () => {
    await expect(run(['rsvp', '--store', postgres.freshDatabase()])).rejects.toMatchObject({ code: 'HW_COLLECTOR_REPORT' });
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    await expect(run(['rsvp', '--store', 'postgres://hopwatch:secret@127.0.0.1:1/hopwatch'])).rejects.toMatchObject({
      code: 'HW_COLLECTOR_STORE_OPEN', message: expect.not.stringContaining('secret'),
    });
  });
});
