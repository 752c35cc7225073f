// MP176 Table 1's business process details on a real collector (HTTP in-process with inject),
// over records written the way ingest writes them, each case worked by hand:
//   installs (8.14.1) in 2026-10, the 30-day read window after each:
//     D1 by A 10-02 10:00, read (4.1.1, by B) 10-20            -> read
//     D2 by A 10-03 10:00, reads: 4.6.1 10-01 (before), 4.1.1 failed 10-05,
//        4.1.1 11-02 10:00:01 (30 days and 1 s after)          -> noRead
//     D3 by A 10-04, the 8.14.1 failed                          -> not an install
//     D4 by B 10-05 10:00, read (4.17) 11-04 10:00 (30 days)    -> read
//     => A: 2 installs, 1 read, 1 noRead (50 %); B: 1 install, 1 read (0 %)
//   Change of Supplier Gains (6.23 by B) in 2026-10:
//     D1 10-25: read 10-20 (5 days before), installed by A 10-02     -> readBefore, oldSupplierInstall
//     D4 10-26: no read before it (11-04 is after), installed by B itself,
//        and an 8.14.2 by A on 10-27 comes after                      -> neither
//     D2 10-28, failed: read 4.6.1 10-01 (27 days before; 10-05 failed), installed by A -> both
//     => B: 3 gains, 2 readBefore, 2 oldSupplierInstall
//   incidents: #1 category 1 in SOUTH 10-03 09:00-11:00Z; #2 category 2, every region,
//   10-02 23:30Z to 10-04 00:30Z (local days 10-03 and 10-04 in Europe/London, BST);
//   #3 category 3 on 10-02 (not flagged).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import type { JourneyRecord } from '../../collector/join/journey-record.js';
import { reportCommand } from '../../collector/reports/report-command.js';
import { PARTY_A, PARTY_B, request, writeOf, type JourneySpec } from '../unit/metrics/harness.js';
import { startTestCollector, writeThroughIngest } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const D = (n: number) => `00-DB-12-34-56-78-90-0${n}`;

describe('business process checks API (MP176 Table 1)', () => {
  const dir = tempDir();
  let c: Collector;
  const get = async (url: string) => c.http.inject({ method: 'GET', url });
  const write = (records: JourneyRecord[]) => {
    const writes = records.map((r) => writeOf(r));
    writeThroughIngest(c, writes, Date.now());
  };
  const sr = (at: string, srv: string, party: string, device: string, spec: Partial<JourneySpec> = {}) => request({ at, srv, party, device, ...spec }, c.catalogue);
  const recent = new Date(Date.now() - 86_400_000).toISOString();

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 } });
    write([
      sr('2026-10-01T10:00:00Z', '4.6.1', PARTY_B, D(2)),
      sr('2026-10-02T10:00:00Z', '8.14.1', PARTY_A, D(1)),
      sr('2026-10-03T10:00:00Z', '8.14.1', PARTY_A, D(2)),
      sr('2026-10-04T10:00:00Z', '8.14.1', PARTY_A, D(3), { code: 'E21' }),
      sr('2026-10-05T09:00:00Z', '4.1.1', PARTY_A, D(2), { code: 'E20' }),
      sr('2026-10-05T10:00:00Z', '8.14.1', PARTY_B, D(4)),
      sr('2026-10-20T10:00:00Z', '4.1.1', PARTY_B, D(1)),
      sr('2026-10-25T10:00:00Z', '6.23', PARTY_B, D(1)),
      sr('2026-10-26T10:00:00Z', '6.23', PARTY_B, D(4)),
      sr('2026-10-27T10:00:00Z', '8.14.2', PARTY_A, D(4)),
      sr('2026-10-28T10:00:00Z', '6.23', PARTY_B, D(2), { code: 'E21' }),
      sr('2026-11-02T10:00:01Z', '4.1.1', PARTY_A, D(2)),
      sr('2026-11-04T10:00:00Z', '4.17', PARTY_A, D(4)),
      sr(recent, '8.14.1', PARTY_A, D(5)),
    ]);
    const incident = (payload: object) => c.http.inject({ method: 'POST', url: '/api/v1/incidents', payload: { service: 'DCC User Interface', ...payload } });
    expect((await incident({ category: 1, region: 'SOUTH', startedAt: '2026-10-03T09:00:00Z', resolvedAt: '2026-10-03T11:00:00Z' })).statusCode).toBe(201);
    expect((await incident({ category: 2, startedAt: '2026-10-02T23:30:00Z', resolvedAt: '2026-10-04T00:30:00Z' })).statusCode).toBe(201);
    expect((await incident({ category: 3, startedAt: '2026-10-02T12:00:00Z', resolvedAt: '2026-10-02T13:00:00Z' })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('counts installs with no meter read within 30 days, per installing party, and lists them', async () => {
    const res = await get('/api/v1/processes/install-reads?month=2026-10');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ windowDays: 30, granularity: 'month' });
    expect(res.json().readSrvs).toEqual(expect.arrayContaining(['4.1.1', '4.6.1', '4.17']));
    expect(res.json().rows).toEqual([
      { period: '2026-10', party: PARTY_A, installs: 2, read: 1, noRead: 1, open: 0, noReadPct: 50 },
      { period: '2026-10', party: PARTY_B, installs: 1, read: 1, noRead: 0, open: 0, noReadPct: 0 },
    ]);
    expect(res.json().noRead).toEqual([{ party: PARTY_A, device: D(2), at: '2026-10-03T10:00:00.000Z' }]);
  });

  it('holds an install whose 30 days have not passed as open, out of the percentage', async () => {
    const from = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const rows = (await get(`/api/v1/processes/install-reads?from=${from}&granularity=total`)).json().rows;
    expect(rows).toEqual([{ period: 'total', party: PARTY_A, installs: 1, read: 0, noRead: 0, open: 1, noReadPct: null }]);
  });

  it('checks each Change of Supplier Gain for a read in the 30 days before and an install by the old supplier', async () => {
    const res = await get('/api/v1/processes/cos-gain?month=2026-10');
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toEqual([{ period: '2026-10', party: PARTY_B, gains: 3, readBefore: 2, readBeforePct: (100 * 2) / 3, oldSupplierInstall: 2, oldSupplierInstallPct: (100 * 2) / 3 }]);
    const daily = (await get('/api/v1/processes/cos-gain?month=2026-10&granularity=day')).json().rows;
    expect(daily.map((r: { period: string; readBefore: number; oldSupplierInstall: number }) => [r.period, r.readBefore, r.oldSupplierInstall]))
      .toEqual([['2026-10-25', 1, 1], ['2026-10-26', 0, 0], ['2026-10-28', 1, 1]]);
    expect((await get(`/api/v1/processes/cos-gain?month=2026-10&party=${PARTY_A}`)).json().rows).toEqual([]);
  });

  it('flags Category 1 and 2 incidents on the daily business process rows, within the row\'s region', async () => {
    const day = (rows: { period: string; process: string; region?: string }[], date: string) => rows.find((r) => r.period === date && r.process === 'install-commission');
    const rows = (await get('/api/v1/processes?from=2026-10-02&to=2026-10-06&granularity=day&process=install-commission')).json().rows;
    expect(day(rows, '2026-10-02')).toMatchObject({ category1Incidents: 0, category2Incidents: 0, incidentIds: '' });
    expect(day(rows, '2026-10-03')).toMatchObject({ category1Incidents: 1, category2Incidents: 1, incidentIds: '1 2' });
    expect(day(rows, '2026-10-04')).toMatchObject({ category1Incidents: 0, category2Incidents: 1, incidentIds: '2' });
    expect(day(rows, '2026-10-05')).toMatchObject({ category1Incidents: 0, category2Incidents: 0 });
    const north = (await get('/api/v1/processes?from=2026-10-02&to=2026-10-06&granularity=day&process=install-commission&by=process,region')).json().rows;
    expect(day(north, '2026-10-03')).toMatchObject({ region: 'NORTH', category1Incidents: 0, category2Incidents: 1, incidentIds: '2' });
    const monthly = (await get('/api/v1/processes?month=2026-10')).json().rows;
    expect(monthly[0]).not.toHaveProperty('category1Incidents');
  });

  it('writes both checks from the command line as CSV', async () => {
    const run = async (argv: string[]) => {
      const chunks: Buffer[] = [];
      await reportCommand([...argv, '--store', `${dir.path}/collector.db`], (chunk) => chunks.push(Buffer.from(chunk)));
      return Buffer.concat(chunks).toString().split('\r\n');
    };
    expect(await run(['install-reads', '--month', '2026-10'])).toEqual([
      'period,party,installs,read,noRead,open,noReadPct', `2026-10,${PARTY_A},2,1,1,0,50`, `2026-10,${PARTY_B},1,1,0,0,0`, '',
    ]);
    expect((await run(['cos-gain', '--month', '2026-10']))[1]).toBe(`2026-10,${PARTY_B},3,2,66.666667,2,66.666667`);
  });
});
