// GET /api/v1/compare and /api/v1/compare.csv on a real collector (HTTP in-process with
// inject), over records written the way ingest writes them. Reference values computed
// independently with NumPy 2.4 and SciPy 1.17 (see test/unit/analysis/*.test.ts for how):
//   4.1.1 RTTs, 2.1.0: 3100 + (37i mod 101) ms, i < 60; 2.2.0: 3080 + (53j mod 97) ms, j < 50
//   medians 3149.5 and 3126.5 ms, p95 (nearest rank, numpy 'inverted_cdf') 3194 and 3170 ms,
//   Hodges–Lehmann shift −24 ms, 95 % CI −36 to −13 ms;
//   success 60/70 and 50/80: difference −23.214285714285708 points, Newcombe 95 % CI
//   −35.86675980311033 to −9.171101560518814 points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import type { JourneyRecord } from '../../collector/join/journey-record.js';
import { request, writeOf, type JourneySpec } from '../unit/metrics/harness.js';
import { startTestCollector, writeThroughIngest } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const at = (i: number) => new Date(Date.parse('2026-11-10T09:00:00Z') + i * 10_000).toISOString();

describe('firmware comparison API', () => {
  const dir = tempDir();
  let c: Collector;
  const get = async (url: string) => c.http.inject({ method: 'GET', url });
  const write = (records: JourneyRecord[]) => {
    const writes = records.map((r) => writeOf(r));
    writeThroughIngest(c, writes, Date.parse('2026-11-10T12:00:00Z'));
  };
  const on = (chFirmwareVersion: string, spec: Omit<JourneySpec, 'at'>, i: number) =>
    request({ ...spec, at: at(i), context: { chFirmwareVersion, deviceModel: 'ESME-X' } }, c.catalogue);
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const base = '/api/v1/compare?dimension=chFirmwareVersion&a=2.1.0&b=2.2.0&from=2026-11-10&to=2026-11-11';

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 } });
    write([
      ...range(60).map((i) => on('2.1.0', { srv: '4.1.1', rttMs: 3100 + ((i * 37) % 101) }, i)),
      ...range(10).map((i) => on('2.1.0', { srv: '4.1.1', code: 'E21' }, 100 + i)),
      ...range(50).map((j) => on('2.2.0', { srv: '4.1.1', rttMs: 3080 + ((j * 53) % 97) }, 200 + j)),
      ...range(30).map((j) => on('2.2.0', { srv: '4.1.1', unanswered: true }, 300 + j)),
      on('2.1.0', { srv: '2.2', rttMs: 2000 }, 400),
      on('2.2.0', { srv: '2.2', rttMs: 1900 }, 401),
      on('3.0.0', { srv: '4.1.1', rttMs: 1 }, 402),
    ]);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('reports counts, medians, p95, the shift and the success-rate difference per SRV, matching the reference', async () => {
    const res = await get(base);
    expect(res.statusCode).toBe(200);
    const row = res.json().rows.find((r: { srv: string }) => r.srv === '4.1.1');
    expect(row.a).toEqual({ value: '2.1.0', volume: 70, successes: 60, successRatePct: (100 * 60) / 70, measured: 60, medianUs: 3_149_500, p95Us: 3_194_000 });
    expect(row.b).toEqual({ value: '2.2.0', volume: 80, successes: 50, successRatePct: 62.5, measured: 50, medianUs: 3_126_500, p95Us: 3_170_000 });
    expect(row.medianDifferenceUs).toBe(-23_000);
    expect(row.shiftUs).toEqual({ estimate: -24_000, lower: -36_000, upper: -13_000, thinned: false });
    expect(row.successRateDifferencePct.difference).toBeCloseTo(-23.214285714285708, 9);
    expect(row.successRateDifferencePct.lower).toBeCloseTo(-35.86675980311033, 9);
    expect(row.successRateDifferencePct.upper).toBeCloseTo(-9.171101560518814, 9);
    expect(row.verdict).toBe('2.2.0 is 24 ms faster than 2.1.0, 95 % CI 13–36 ms');
    expect(row.successVerdict).toBe('2.2.0 succeeds 23.21 points less often than 2.1.0, 95 % CI 9.17–35.87 points');
  });

  it('says when the counts are too small for an interval, and pools every SRV in a last row', async () => {
    const rows = (await get(base)).json().rows;
    expect(rows.map((r: { srv: string | null }) => r.srv)).toEqual(['2.2', '4.1.1', null]);
    expect(rows[0].verdict).toBe('too few measured journeys for a 95 % interval (2.1.0: 1, 2.2.0: 1)');
    expect(rows[2].a.volume).toBe(71);
    expect(rows[2].b.volume).toBe(81);
  });

  it('compares any figure or segment, and finds no difference where there is none', async () => {
    const han = (await get(`${base}&figure=hanUs&srv=4.1.1`)).json().rows[0];
    expect(han.shiftUs.estimate).toBe(0);
    expect(han.verdict).toMatch(/^no difference detectable with these counts/);
    const segment = (await get(`${base}&figure=CH_IN-HAN_OUT&srv=4.1.1`)).json().rows[0];
    expect(segment.a.medianUs).toBe(20);
  });

  it('answers the same rows as CSV', async () => {
    const res = await get(base.replace('/compare?', '/compare.csv?'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const [header, first] = res.body.split('\r\n');
    const columns = header!.split(',');
    const cells = first!.split(',');
    expect(columns).toEqual(expect.arrayContaining(['srv', 'a.medianUs', 'b.p95Us', 'shiftUs.estimate', 'shiftUs.lower', 'successRateDifferencePct.upper', 'verdict']));
    expect(cells[columns.indexOf('srv')]).toBe('2.2');
  });

  it('refuses an unknown figure, the same value twice and a filter it cannot apply, naming them', async () => {
    const figure = await get(`${base}&figure=warpUs`);
    expect(figure.statusCode).toBe(400);
    expect(figure.json().message).toMatch(/figure "warpUs"/);
    expect((await get(base.replace('b=2.2.0', 'b=2.1.0'))).json().message).toMatch(/both "2.1.0"/);
    expect((await get(`${base}&process=prepayment`)).json().message).toMatch(/does not filter by process/);
    expect((await get('/api/v1/compare?dimension=colour&a=x&b=y')).statusCode).toBe(400);
  });

  it("keeps to one party's journeys when given one (a party token always is)", async () => {
    const own = (await get(`${base}&party=90-B3-D5-1F-30-01-00-00`)).json().rows;
    expect(own.at(-1).a.volume).toBe(71);
    const other = (await get(`${base}&party=90-B3-D5-1F-30-02-00-00`)).json().rows;
    expect(other).toEqual([expect.objectContaining({ srv: null, a: expect.objectContaining({ volume: 0 }), b: expect.objectContaining({ volume: 0 }) })]);
    expect((await get(`${base}&party=90-B3-D5-1F-30-01-00-00,90-B3-D5-1F-30-02-00-00`)).json().message).toMatch(/one party/);
  });

  it('filters journeys by CH firmware and device model', async () => {
    const res = await get('/api/v1/journeys?chFirmwareVersion=3.0.0&deviceModel=ESME-X');
    expect(res.json().journeys).toHaveLength(1);
    expect(res.json().journeys[0].context.chFirmwareVersion).toBe('3.0.0');
  });
});
