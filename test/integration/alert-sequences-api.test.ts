// The alert sequence routes (MP176 Alert reporting, MP122 DF2) on a real collector: each
// measure over JSON, and a party token that gets its own sequences only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import type { JourneyRecord } from '../../collector/join/journey-record.js';
import { collectorDb, createToken, waitForStatus } from '../helpers/api-tokens.js';
import { startTestCollector, writeThroughIngest } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { alert, PARTY_A, PARTY_B, request, writeOf } from '../unit/metrics/harness.js';

const DEVICE_A = '00-DB-12-34-56-78-90-A1';
const DEVICE_B = '00-DB-12-34-56-78-90-B1';

describe('alert sequence routes', () => {
  const dir = tempDir();
  let c: Collector;
  let partyToken: string;
  let admin: string;
  const get = (url: string, token = admin) => c.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 } });
    const raise = (code: string, at: string, user: string, device: string) => alert({ at, code, deliveryMs: 1000, user, device }, c.catalogue);
    const records: JourneyRecord[] = [
      raise('N16', '2026-10-02T00:00:00Z', PARTY_A, DEVICE_A), raise('N42', '2026-10-03T00:00:00Z', PARTY_A, DEVICE_A),
      raise('N16', '2026-10-02T00:00:00Z', PARTY_B, DEVICE_B),
      raise('PO1', '2026-10-05T10:00:00Z', PARTY_A, DEVICE_A), raise('PO1', '2026-10-05T10:00:00Z', PARTY_B, DEVICE_B),
      raise('PR1', '2026-10-05T10:10:00Z', PARTY_B, DEVICE_B),
      request({ at: '2026-10-06T00:00:00Z', srv: '11.1', party: PARTY_A, device: DEVICE_A }, c.catalogue),
      raise('0x8F1C', '2026-10-06T02:00:00Z', PARTY_A, DEVICE_A),
      request({ at: '2026-10-06T00:00:00Z', srv: '11.1', party: PARTY_B, device: DEVICE_B }, c.catalogue),
      request({ at: '2026-10-07T00:00:00Z', srv: '4.1.1', party: PARTY_A, device: DEVICE_A, code: 'E21' }, c.catalogue),
      raise('N13', '2026-10-07T00:00:05Z', PARTY_A, DEVICE_A),
    ];
    const writes = records.map((r) => writeOf(r));
    const nowMs = Date.parse('2026-11-10T12:00:00Z');
    writeThroughIngest(c, writes, nowMs);
    partyToken = createToken(collectorDb(dir.path), { scope: 'party', party: PARTY_A, roles: ['IS'] }).token;
    admin = createToken(collectorDb(dir.path), { scope: 'admin' }).token;
    await waitForStatus(c, '/api/v1/agents', undefined, (s) => s === 401);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('counts N42 within seven days after N16, per recipient and supplier', async () => {
    const body = (await get('/api/v1/alerts/credentials?month=2026-10')).json();
    expect(body).toMatchObject({ granularity: 'month', timeZone: 'Europe/London' });
    expect(body.rows.map((r: Record<string, unknown>) => [r.party, r.identityAlerts, r.withinSla, r.missed, r.slaSeconds])).toEqual([
      [PARTY_A, 1, 1, 0, 604_800], [PARTY_B, 1, 0, 1, 604_800],
    ]);
  });

  it('lists Power Outage Alerts with no later restoration', async () => {
    const body = (await get('/api/v1/alerts/outages?month=2026-10')).json();
    expect(body.rows.map((r: Record<string, unknown>) => [r.party, r.outages, r.unrestored])).toEqual([[PARTY_A, 1, 1], [PARTY_B, 1, 0]]);
    expect(body.unrestored).toEqual([{ party: PARTY_A, device: DEVICE_A, at: '2026-10-05T10:00:00.000Z' }]);
  });

  it('judges firmware verification after 11.1, with the devices that sent no alert', async () => {
    const body = (await get('/api/v1/alerts/firmware-verification?month=2026-10&granularity=day')).json();
    expect(body.rows.map((r: Record<string, unknown>) => [r.period, r.party, r.rejected, r.noAlert])).toEqual([['2026-10-06', PARTY_A, 1, 0], ['2026-10-06', PARTY_B, 0, 1]]);
    expect(body.noAlert).toEqual([{ party: PARTY_B, device: DEVICE_B, at: '2026-10-06T00:00:00.000Z' }]);
  });

  it('links a failure alert to the SR it fails', async () => {
    const body = (await get('/api/v1/alerts/failure-links?month=2026-10')).json();
    expect(body.rows).toEqual([{ period: '2026-10', party: PARTY_A, alertCode: 'N13', alerts: 1, linked: 1, unlinked: 0, linkedPct: 100, linkedBySrv: { '4.1.1': 1 } }]);
  });

  it('gives a party token its own sequences only, and refuses another party', async () => {
    for (const route of ['credentials', 'outages', 'firmware-verification', 'failure-links']) {
      const res = await get(`/api/v1/alerts/${route}?month=2026-10`, partyToken);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(PARTY_B);
      expect(res.body).not.toContain(DEVICE_B);
      expect(res.json().rows.map((r: { party: string }) => r.party)).toEqual([PARTY_A]);
      expect((await get(`/api/v1/alerts/${route}?month=2026-10&party=${PARTY_B}`, partyToken)).statusCode).toBe(403);
    }
  });
});
