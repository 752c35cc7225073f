// The inventory routes (MP176 "Inventory reporting") on a real collector: a party's estate at
// a month end as JSON and CSV, its device file, and a party token that sees only its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { collectorDb, createToken, waitForStatus } from '../helpers/api-tokens.js';
import { startTestCollector, writeThroughIngest } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { PARTY_A, PARTY_B, request, writeOf } from '../unit/metrics/harness.js';

const DEVICE_A = '00-DB-12-34-56-78-90-A1';
const DEVICE_B = '00-DB-12-34-56-78-90-B1';

describe('inventory routes', () => {
  const dir = tempDir();
  let c: Collector;
  let partyToken: string;
  let admin: string;
  const get = (url: string, token = admin) => c.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { metrics: { peers: { minPeers: 1 } }, ingest: { tickIntervalMs: 10_000 } });
    const seen = (party: string, device: string, firmwareVersion: string, at: string) =>
      request({ at, srv: '4.1.1', party, device, context: { userRole: 'IS', deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion } }, c.catalogue);
    const writes = [
      seen(PARTY_A, DEVICE_A, '1.0', '2026-10-05T09:00:00Z'), seen(PARTY_A, DEVICE_A, '1.1', '2026-11-05T09:00:00Z'),
      seen(PARTY_B, DEVICE_B, '1.0', '2026-10-06T09:00:00Z'),
    ].map((r) => writeOf(r));
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

  it('gives the estate at the month end with firmware shares against a peer and the industry', async () => {
    const res = await get(`/api/v1/inventory?party=${PARTY_A}&month=2026-10`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ party: PARTY_A, month: '2026-10', userRole: 'IS', devices: 1, peers: 1, timeZone: 'Europe/London' });
    expect(body.firmwareShares).toEqual([{
      deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion: '1.0', withheld: false,
      series: [{ series: 'You', devices: 1, sharePct: 100 }, { series: 'Peer 1', devices: null, sharePct: 100 }, { series: 'Industry', devices: 2, sharePct: 100 }],
    }]);
    expect((await get(`/api/v1/inventory?party=${PARTY_A}&month=2026-11`)).json().models).toEqual([{ deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion: '1.1', devices: 1 }]);
  });

  it('writes the inventory and the device file as CSV', async () => {
    const table = await get(`/api/v1/inventory?party=${PARTY_A}&month=2026-10&format=csv`);
    expect(table.headers['content-type']).toMatch(/^text\/csv/);
    expect(table.body.split('\r\n')[0]).toBe('party,month,userRole,table,deviceType,devices,models,firmwareVersions,deviceModel,firmwareVersion,withheld,series,sharePct');
    expect(table.body).toContain(`${PARTY_A},2026-10,IS,firmwareShares,ESME,,,,EM-A1,1.0,false,Peer 1,100\r\n`);
    const devices = await get(`/api/v1/inventory/devices?party=${PARTY_A}&month=2026-11&format=csv`);
    expect(devices.body).toBe(`device,deviceType,deviceModel,firmwareVersion,smets,region,userRole,lastSeen\r\n${DEVICE_A},ESME,EM-A1,1.1,SMETS2,NORTH,IS,2026-11-05T09:00:00.000Z\r\n`);
  });

  it('answers a party token with its own estate only, and refuses another party', async () => {
    const own = await get('/api/v1/inventory/devices?month=2026-10', partyToken);
    expect(own.json().devices.map((d: { device: string }) => d.device)).toEqual([DEVICE_A]);
    expect((await get('/api/v1/inventory?month=2026-10', partyToken)).json().party).toBe(PARTY_A);
    expect((await get(`/api/v1/inventory?month=2026-10&party=${PARTY_B}`, partyToken)).statusCode).toBe(403);
    expect((await get(`/api/v1/inventory/devices?month=2026-10&party=${PARTY_B}`, partyToken)).statusCode).toBe(403);
    expect((await get('/api/v1/inventory?month=2026-10', partyToken)).body).not.toContain(DEVICE_B);
  });

  it('refuses a month that is not YYYY-MM and a party with no devices by then, with a clear message', async () => {
    expect((await get(`/api/v1/inventory?party=${PARTY_A}&month=2026-13`)).statusCode).toBe(400);
    const none = await get(`/api/v1/inventory?party=${PARTY_A}&month=2026-09`);
    expect([none.statusCode, none.json().error]).toEqual([400, 'HW_COLLECTOR_BAD_QUERY']);
    expect(none.json().message).toContain('no devices on record by the end of 2026-09');
  });
});
