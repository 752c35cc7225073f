// Every metric route on a real collector (HTTP in-process with inject), over records written
// the way ingest writes them: in one transaction with the rollup sink.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import type { JourneyRecord } from '../../collector/join/journey-record.js';
import { alert, DEVICE_1, DEVICE_2, PARTY_A, PARTY_B, request, writeOf, type JourneySpec } from '../unit/metrics/harness.js';
import { startTestCollector, writeThroughIngest } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const MIN = 60_000;
const T = (iso: string) => Date.parse(iso);

describe('metric routes', () => {
  const dir = tempDir();
  let c: Collector;
  const get = async (url: string) => c.http.inject({ method: 'GET', url });
  const write = (records: JourneyRecord[], nowMs: number) => {
    const writes = records.map((r) => writeOf(r));
    writeThroughIngest(c, writes, nowMs);
  };
  const req = (spec: JourneySpec) => request(spec, c.catalogue);

  beforeAll(async () => {
    // The collector's own ticks run on the wall clock: one before the writes below would poll
    // heartbeats at today's time and none at the simulated times, so none runs while they are written.
    c = await startTestCollector(dir.path, { metrics: { peers: { minPeers: 1 } }, ingest: { tickIntervalMs: 10_000 } });
    // Tuesday 10 November 2026, NORTH: 5 requests a minute 09:00-10:00; none succeed 09:20-09:30.
    // The CSP probe reports a heartbeat every 10 s from 08:50 to 10:10.
    for (let t = T('2026-11-10T08:50:00Z'); t <= T('2026-11-10T10:10:00Z'); t += 10_000) {
      const minute = t - (t % MIN);
      const records = t % MIN === 0 && minute >= T('2026-11-10T09:00:00Z') && minute < T('2026-11-10T10:00:00Z')
        ? [0, 1, 2, 3, 4].map((i) => req({
          at: new Date(minute + i * 1000).toISOString(), srv: '4.1.1', party: i < 3 ? PARTY_A : PARTY_B,
          ...(minute >= T('2026-11-10T09:20:00Z') && minute < T('2026-11-10T09:30:00Z') ? { unanswered: true } : {}),
        }))
        : [];
      c.store.upsertAgentStatus('csp-1', { state: 'online' }, t);
      write(records, t);
    }
    write([
      req({ at: '2026-11-10T11:00:00Z', srv: '8.1.1', device: DEVICE_1 }),
      req({ at: '2026-11-10T11:05:00Z', srv: '1.1.1', device: DEVICE_1 }),
      req({ at: '2026-11-10T11:10:00Z', srv: '1.1.1', device: DEVICE_2 }),
      req({ at: '2026-11-10T12:00:00Z', srv: '2.2', device: DEVICE_2, code: 'E20' }),
      req({ at: '2026-11-10T12:05:00Z', srv: '2.2', device: DEVICE_2 }),
      req({ at: '2026-11-10T13:00:00Z', srv: '6.23', device: DEVICE_2, code: 'E21' }),
      req({ at: '2026-11-10T13:10:00Z', srv: '1.2.1', device: DEVICE_2 }),
      req({ at: '2026-11-10T14:00:00Z', srv: '8.14.1' }),
      req({ at: '2026-11-10T14:01:00Z', srv: '8.14.2' }),
      alert({ at: '2026-11-10T15:00:00Z', code: 'N12', deliveryMs: 30_000 }, c.catalogue),
      alert({ at: '2026-11-10T15:01:00Z', code: 'N12', deliveryMs: 90_000 }, c.catalogue),
    ], T('2026-11-10T16:00:00Z'));
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('GET /api/v1/rsvp answers a month per SRV and region', async () => {
    const res = await get('/api/v1/rsvp?month=2026-11&by=srv,region&srv=4.1.1');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', timeZone: 'Europe/London', granularity: 'month', by: ['srv', 'region'] });
    expect(body.rows).toHaveLength(1);
    expect(body.rows[0]).toMatchObject({ period: '2026-11', srv: '4.1.1', region: 'NORTH', volume: 300, successes: 250, failuresByReason: { 'no-response': 50 }, trtSeconds: 30 });
    expect(body.rows[0].rttUs).toMatchObject({ count: 250, median: 3e6 });
  });

  it('GET /api/v1/rsvp names a bad parameter in a 400', async () => {
    const bad = await get('/api/v1/rsvp?by=colour');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'HW_COLLECTOR_BAD_QUERY', message: expect.stringContaining('by "colour" is not one of srv, process') });
    expect((await get('/api/v1/rsvp?month=2026-13')).statusCode).toBe(400);
    expect((await get('/api/v1/rsvp?from=2026-11-10&to=2026-11-09')).json().message).toMatch(/from 2026-11-10 must be before to 2026-11-09/);
  });

  it('refuses unknown filter values and misspelled parameters with a 400 that lists what is allowed', async () => {
    const answer = async (url: string) => { const r = await get(url); return [r.statusCode, r.json().message as string] as const; };
    expect(await answer('/api/v1/rsvp?region=EAST')).toEqual([400, 'region "EAST" is not one of NORTH, CENTRAL, SOUTH']);
    expect(await answer('/api/v1/rsvp?srv=banana')).toEqual([400, expect.stringContaining('srv "banana" is not an SRV')]);
    expect(await answer('/api/v1/alerts?smets=SMETS3')).toEqual([400, 'smets "SMETS3" is not one of SMETS1, SMETS2']);
    expect(await answer('/api/v1/rsvp?regoin=NORTH')).toEqual([400, expect.stringMatching(/^querystring parameter "regoin" is not known; known: .*\bregion\b/)]);
    expect(await answer('/api/v1/rsvp?granularity=week')).toEqual([400, 'querystring granularity is not one of hour, day, month, total']);
    expect(await answer('/api/v1/journeys?srv=banana')).toEqual([400, expect.stringContaining('srv')]);
    expect(await answer('/api/v1/peers?party=nobody')).toEqual([400, expect.stringContaining('party')]);
    expect((await get(`/api/v1/rsvp?month=2026-11&srv=4.1.1&party=${PARTY_A.toLowerCase()}`)).json().rows[0]).toMatchObject({ volume: 180 });
  });

  it('GET /api/v1/processes and /api/v1/processes/attribution attribute 1.1.1 per SR', async () => {
    const processes = (await get('/api/v1/processes?month=2026-11&process=install-commission,tariff-updates')).json();
    // I&C: 8.1.1, 8.14.1 and the 1.1.1 after 8.1.1; Tariff Updates: the other 1.1.1 and the 1.2.1.
    expect(processes.rows.map((r: { process: string; volume: number }) => [r.process, r.volume])).toEqual([['install-commission', 3], ['tariff-updates', 2]]);
    const attribution = (await get('/api/v1/processes/attribution?month=2026-11')).json();
    expect(attribution.rows.map((r: { rule: string; requests: number }) => [r.rule, r.requests])).toEqual([['after-8.1.1', 1], ['default', 1]]);
    expect(attribution.windowHours).toBe(24);
  });

  it('GET /api/v1/indicators/* answer installs, top-ups and Change of Supplier', async () => {
    const installs = (await get('/api/v1/indicators/installs?from=2026-11-10&to=2026-11-11')).json();
    expect(installs.rows).toEqual([expect.objectContaining({ date: '2026-11-10', installCommission: 1, installLeave: 1, installs: 2 })]);
    const topUps = (await get('/api/v1/indicators/top-ups?month=2026-11')).json();
    expect(topUps.rows.map((r: { attempt: string; attempts: number; successes: number }) => [r.attempt, r.attempts, r.successes])).toEqual([['1', 1, 0], ['2', 1, 1]]);
    const cos = (await get('/api/v1/indicators/change-of-supplier?month=2026-11&by=region')).json();
    expect(cos.rows).toEqual([expect.objectContaining({ region: 'NORTH', requests: 1, rescued: 1, successRatePct: 100 })]);
  });

  it('GET /api/v1/alerts answers delivery within the 60 s SLA per alert code', async () => {
    const alerts = (await get('/api/v1/alerts?month=2026-11')).json();
    expect(alerts.rows).toEqual([expect.objectContaining({ alertCode: 'N12', alerts: 2, withinSla: 1, withinSlaPct: 50 })]);
  });

  it('excludes maintenance declared through the API from availability and keeps probe silence unknown', async () => {
    const created = await c.http.inject({ method: 'POST', url: '/api/v1/maintenance', payload: { region: 'NORTH', from: '2026-11-10T09:25:00Z', to: '2026-11-10T09:35:00Z', description: 'CSP upgrade' } });
    expect(created.statusCode).toBe(201);
    const res = (await get('/api/v1/availability?from=2026-11-10&to=2026-11-11&region=NORTH')).json();
    // Observed 08:50-10:10 (80 min, csp-1's heartbeats; rig-1 stamps CH points too but never reported);
    // down 09:20-09:25 (5); maintenance 09:25-09:35 (10).
    expect(res.regions[0]).toMatchObject({ region: 'NORTH', probes: ['csp-1', 'rig-1'], downMinutes: 5, maintenanceMinutes: 10, upMinutes: 65, unknownMinutes: 1440 - 80 });
    expect(res.regions[0].availabilityPct).toBeCloseTo((100 * 65) / 70, 9);
    // 70 of the 1430 minutes outside maintenance were observed: the percentage rests on them alone.
    expect(res.regions[0].observedPct).toBeCloseTo((100 * 70) / 1430, 9);
    expect(res.regions[0].outages).toEqual([{ from: '2026-11-10T09:20:00.000Z', to: '2026-11-10T09:25:00.000Z', minutes: 5 }]);
    expect(res.regions[0].bands.find((b: { band: string }) => b.band === 'mon-fri-08-20')).toMatchObject({ downMinutes: 5 });

    const id = created.json().id as number;
    expect((await c.http.inject({ method: 'DELETE', url: `/api/v1/maintenance/${id}` })).statusCode).toBe(204);
    expect((await get('/api/v1/availability?from=2026-11-10&to=2026-11-11&region=NORTH')).json().regions[0].downMinutes).toBe(10);
    expect((await c.http.inject({ method: 'DELETE', url: `/api/v1/maintenance/${id}` })).statusCode).toBe(404);
  });

  it('records incidents and reports MTTR and MTBF', async () => {
    const opened = await c.http.inject({ method: 'POST', url: '/api/v1/incidents', payload: { category: 2, region: 'NORTH', service: 'DCC User Interface', startedAt: '2026-11-10T09:20:00Z' } });
    expect(opened.statusCode).toBe(201);
    const bad = await c.http.inject({ method: 'PATCH', url: `/api/v1/incidents/${opened.json().id}`, payload: { resolvedAt: '2026-11-10T09:00:00Z' } });
    expect(bad.statusCode).toBe(400);
    const resolved = await c.http.inject({ method: 'PATCH', url: `/api/v1/incidents/${opened.json().id}`, payload: { resolvedAt: '2026-11-10T09:50:00Z' } });
    expect(resolved.json()).toMatchObject({ category: 2, resolvedAt: '2026-11-10T09:50:00.000Z' });
    expect((await c.http.inject({ method: 'POST', url: '/api/v1/incidents', payload: { category: 6, service: 'x', startedAt: '2026-11-10T09:20:00Z' } })).statusCode).toBe(400);
    const r = (await get('/api/v1/reliability?month=2026-11')).json();
    expect(r).toMatchObject({ opened: 1, resolved: 1, mttrHours: 0.5, operatingHours: 719.5, mtbfHours: 719.5 });
  });

  it('GET /api/v1/peers withholds each row with fewer than minPeers peers in it and never names a peer', async () => {
    const res = await get(`/api/v1/peers?party=${PARTY_A}&month=2026-11`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ peers: 1, withheld: false });
    type Row = { scope: string; withheld: boolean; series: { series: string; volume: number | null }[] };
    const row = (srv: string) => (res.json().rows as Row[]).find((r) => r.scope === srv)!;
    const shown = (r: Row) => [r.withheld, r.series.map((s) => [s.series, s.volume])];
    // This collector sets minPeers 1: B's share of 4.1.1 is enough to show it; A alone sent 8.1.1 (MP176).
    expect(shown(row('4.1.1'))).toEqual([false, [['You', 180], ['Peer 1', null], ['Industry', 300]]]);
    expect(shown(row('8.1.1'))).toEqual([true, [['You', 1]]]);
    expect(res.body).not.toContain(PARTY_B);
  });

  it('GET /api/v1/reports/rsvp.pdf renders the monthly RSVP table', async () => {
    const res = await get('/api/v1/reports/rsvp.pdf?month=2026-11');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('GET /api/v1/catalogue shows the catalogue in force with its sources', async () => {
    const body = (await get('/api/v1/catalogue')).json();
    expect(body.catalogueVersion).toBe('2026.11.2');
    expect(body.sources['secmp0053-annex-c']).toBeDefined();
  });
});
