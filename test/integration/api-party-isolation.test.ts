// A party token walks every GET route of the server's own route table over a real collector
// holding several parties' journeys, with parameters that would show other parties if
// anything let them through (by=party, their journey keys), and no body names another party
// or another party's device: JSON, and the text of the PDF report (MP176: a Party never learns
// another Party's identity or device-level data).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { ROUTE_ACCESS } from '../../collector/http/access.js';
import type { JourneyRecord } from '../../collector/join/journey-record.js';
import { collectorDb, createToken, waitForStatus } from '../helpers/api-tokens.js';
import { pdfText } from '../helpers/pdf-text.js';
import { routeTable } from '../helpers/route-table.js';
import { startTestCollector, writeThroughIngest } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { alert, request, writeOf, type JourneySpec } from '../unit/metrics/harness.js';

const PARTY_A = '90-B3-D5-1F-30-01-00-00';
const PARTY_B = '90-B3-D5-1F-30-02-00-00';
const PARTY_C = '90-B3-D5-1F-30-03-00-00';
const DEVICE_A = '00-DB-12-34-56-78-90-A1';
const DEVICE_B = '00-DB-12-34-56-78-90-B1';
const DEVICE_C = '00-DB-12-34-56-78-90-C1';
/** What party A must never see, in the forms the API could write them. */
const FOREIGN = [PARTY_B, PARTY_C, DEVICE_B, DEVICE_C].flatMap((eui) => [eui, eui.replace(/-/g, ''), eui.replace(/-/g, ':')]);

describe('a party token over every GET route', () => {
  const dir = tempDir();
  let c: Collector;
  let token: string;
  let admin: string;
  const keys = { ownRequest: '', ownAlert: '', otherRequest: '', otherAlert: '' };

  const write = (records: JourneyRecord[], nowMs: number) => {
    const writes = records.map((r) => writeOf(r));
    writeThroughIngest(c, writes, nowMs);
  };

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { metrics: { peers: { minPeers: 1 } } });
    const traffic = (party: string, device: string, role: string, hour: number): JourneyRecord[] => {
      const at = (minute: number) => `2026-11-10T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`;
      const req = (spec: Omit<JourneySpec, 'party' | 'device'>) => request({ ...spec, party, device, context: { userRole: role, ...spec.context } }, c.catalogue);
      return [
        req({ at: at(0), srv: '4.1.1' }), req({ at: at(1), srv: '4.1.1', rttMs: 5000 }), req({ at: at(2), srv: '4.1.1', code: 'E20' }),
        req({ at: at(3), srv: '8.1.1' }), req({ at: at(4), srv: '1.1.1' }), req({ at: at(5), srv: '8.14.1' }),
        req({ at: at(6), srv: '2.2', code: 'E20' }), req({ at: at(7), srv: '2.2' }), req({ at: at(8), srv: '6.23', code: 'E21' }),
        req({ at: at(9), srv: '1.2.1' }),
        alert({ at: at(10), code: 'N12', deliveryMs: 30_000, user: party, device }, c.catalogue),
      ];
    };
    const a = traffic(PARTY_A, DEVICE_A, 'IS', 9);
    const b = traffic(PARTY_B, DEVICE_B, 'IS', 10);
    write([...a, ...b, ...traffic(PARTY_C, DEVICE_C, 'GS', 11)], Date.parse('2026-11-10T12:00:00Z'));
    c.store.upsertAgentStatus('csp-1', { state: 'online' }, Date.parse('2026-11-10T12:00:00Z'));
    keys.ownRequest = a[0]!.key;
    keys.ownAlert = a[a.length - 1]!.key;
    keys.otherRequest = b[0]!.key;
    keys.otherAlert = b[b.length - 1]!.key;

    token = createToken(collectorDb(dir.path), { scope: 'party', party: PARTY_A.toLowerCase(), roles: ['IS'] }).token;
    admin = createToken(collectorDb(dir.path), { scope: 'admin' }).token;
    // Until the collector's next poll of the token table it is still open to all.
    await waitForStatus(c, '/api/v1/journeys', undefined, (s) => s === 401);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  const get = (url: string, bearer = token) => c.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } });
  const textOf = (res: { headers: Record<string, unknown>; rawPayload: Buffer; body: string }) =>
    (String(res.headers['content-type']).startsWith('application/pdf') ? pdfText(res.rawPayload) : res.body);

  const QUERIES = ['', '?month=2026-11', '?month=2026-11&by=party', '?month=2026-11&granularity=day&by=srv,party,userRole', '?month=2026-11&by=process', '?limit=10000'];
  // Routes that need parameters of their own.
  const COMPARE = ['?dimension=deviceModel&a=M-1&b=M-2&month=2026-11', '?dimension=chFirmwareVersion&a=1&b=2&month=2026-11&srv=4.1.1&figure=hanUs'];
  const ROUTE_QUERIES: Readonly<Record<string, readonly string[]>> = { '/api/v1/compare': COMPARE, '/api/v1/compare.csv': COMPARE, '/api/v1/compare.pdf': COMPARE };
  // A wildcard route serves files: walked at one it serves.
  const WILDCARD_FILES: Readonly<Record<string, string>> = { '/docs/static/*': 'swagger-ui.css' };
  const urlsOf = (url: string) => (url.includes(':key')
    ? Object.values(keys).map((k) => url.replace(':key', encodeURIComponent(k)))
    : url.includes(':file') ? [url.replace(':file', 'app.js')]
    : url.endsWith('*') ? [url.replace('*', WILDCARD_FILES[url] ?? '')]
      : (ROUTE_QUERIES[url] ?? QUERIES).map((q) => `${url}${q}`));

  it('reads the routes from the server itself, and every one has an access rule', () => {
    const routes = routeTable(c.http);
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(ROUTE_ACCESS).length - 1);
    for (const r of routes) expect(ROUTE_ACCESS[`${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`], `${r.method} ${r.url}`).toBeDefined();
  });

  it('answers every GET route without another party\'s EUI-64 or device in any body', async () => {
    const routes = routeTable(c.http).filter((r) => r.method === 'GET');
    let answered = 0;
    for (const { url } of routes) {
      const rule = ROUTE_ACCESS[`GET ${url}`]!;
      const statuses: number[] = [];
      for (const u of urlsOf(url)) {
        const res = await get(u);
        statuses.push(res.statusCode);
        const text = textOf(res);
        for (const eui of FOREIGN) expect(text, `GET ${u} (${res.statusCode})`).not.toContain(eui);
        expect(res.statusCode, `GET ${u}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      }
      if (rule.need !== 'public' && rule.party === 'deny') expect(statuses.every((s) => s === 403), `GET ${url}: ${statuses.join(', ')}`).toBe(true);
      // swagger-ui's /docs/static/index.html redirects to the page itself.
      else if (rule.need === 'public') expect(statuses.some((s) => s >= 200 && s < 400), `GET ${url}: ${statuses.join(', ')}`).toBe(true);
      else expect(statuses, `GET ${url}`).toContain(200);
      if (statuses.includes(200)) answered++;
    }
    expect(answered).toBeGreaterThanOrEqual(12);
  });

  it('shows the party its own journeys, requests it sent and alerts addressed to it', async () => {
    const list = (await get('/api/v1/journeys?limit=10000')).json() as { journeys: { key: string; kind: string }[] };
    expect(list.journeys).toHaveLength(11);
    expect(list.journeys.filter((j) => j.kind === 'alert').map((j) => j.key)).toEqual([keys.ownAlert]);
    expect((await get(`/api/v1/journeys/${keys.ownAlert}`)).statusCode).toBe(200);
    expect((await get(`/api/v1/journeys/${keys.otherRequest}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/journeys/${keys.otherAlert}`)).statusCode).toBe(404);
  });

  it('lists one party\'s journeys for an admin who asks with party=, and refuses a party token asking for another', async () => {
    const listed = (await get(`/api/v1/journeys?limit=10000&party=${PARTY_B.toLowerCase()}`, admin)).json() as { journeys: { key: string; kind: string }[] };
    expect(listed.journeys).toHaveLength(11);
    expect(listed.journeys.map((j) => j.key)).toEqual(expect.arrayContaining([keys.otherRequest, keys.otherAlert]));
    expect((await get(`/api/v1/journeys?party=${PARTY_A}`)).statusCode).toBe(200);
    const refused = await get(`/api/v1/journeys?party=${PARTY_B}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain(keys.otherRequest);
  });

  it('reduces by=party to the party itself and counts only its own records', async () => {
    const rsvp = (await get('/api/v1/rsvp?month=2026-11&by=party')).json() as { rows: { party: string; volume: number }[] };
    expect(rsvp.rows).toEqual([expect.objectContaining({ party: PARTY_A, volume: 10 })]);
    const all = (await get('/api/v1/rsvp?month=2026-11&by=party', admin)).json() as { rows: { party: string }[] };
    expect(all.rows.map((r) => r.party).sort()).toEqual([PARTY_A, PARTY_B, PARTY_C]);
  });

  it('gives the party its peer report with peers anonymised', async () => {
    const res = await get('/api/v1/peers?month=2026-11');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ party: PARTY_A, userRole: 'IS', peers: 1 });
    expect(res.body).toContain('Peer 1');
  });

  it('writes the party\'s own EUI-64, and no other, into the PDF report', async () => {
    const text = pdfText((await get('/api/v1/reports/rsvp.pdf?month=2026-11&by=party')).rawPayload);
    expect(text).toContain(PARTY_A);
    // The same report for an admin names every party: the text extraction sees what is there.
    expect(pdfText((await get('/api/v1/reports/rsvp.pdf?month=2026-11&by=party', admin)).rawPayload)).toContain(PARTY_B);
  });
});
