// API tokens on a real collector: 401 without a valid token once any exists, 403 outside the
// token's scope, revocation within the poll interval, failed authentications limited per
// address, security headers, CORS only for configured origins, and no route without a rule.
import Database from 'better-sqlite3';
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { routeAccess } from '../../collector/http/access.js';
import { createHttpServer } from '../../collector/http/server.js';
import { createSqliteApiTokens } from '../../collector/store/sqlite/api-tokens.js';
import { createMonotonicClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { collectorDb, createToken, waitForStatus } from '../helpers/api-tokens.js';
import { routeTable } from '../helpers/route-table.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const PARTY_A = '90-B3-D5-1F-30-01-00-00';
const PARTY_B = '90-B3-D5-1F-30-02-00-00';

interface Call { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'OPTIONS'; url: string; token?: string; from?: string; payload?: object; headers?: Record<string, string> }

function call(c: Collector, x: Call) {
  return c.http.inject({
    method: x.method ?? 'GET', url: x.url, remoteAddress: x.from ?? '127.0.0.1',
    headers: { ...(x.token ? { authorization: `Bearer ${x.token}` } : {}), ...x.headers },
    ...(x.payload ? { payload: x.payload } : {}),
  });
}

/** A concrete request for each route of the table. */
const concrete = (url: string) => url.replace(':key', `${PARTY_A}:00-DB-12-34-56-78-90-A1:1`).replace(':id', '1').replace('*', 'anything');

describe('a collector without API tokens', () => {
  const dir = tempDir();
  let c: Collector;
  beforeAll(async () => {
    c = await startTestCollector(dir.path);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('answers every GET route without a token, as the loopback demo always has', async () => {
    for (const r of routeTable(c.http).filter((x) => x.method === 'GET')) {
      const res = await call(c, { url: concrete(r.url) });
      expect([401, 403, 429], `GET ${r.url}`).not.toContain(res.statusCode);
    }
  });

  it('sends no CORS headers, and security headers with a CSP that allows the dashboard\'s own scripts only', async () => {
    const res = await call(c, { url: '/', headers: { origin: 'https://elsewhere.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/<script>/);
    const scripts = [...res.body.matchAll(/<script type="module" src="([^"]+)"><\/script>/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/dashboard/app.js']);
    expect((await call(c, { url: scripts[0]! })).headers['content-type']).toMatch(/^text\/javascript/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
  });
});

describe('a collector with API tokens', () => {
  const dir = tempDir();
  let c: Collector;
  const t = { admin: '', viewer: '', metrics: '', party: '' };
  let viewerId = '';

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { http: { authFailuresPerMinute: 3 } });
    const db = collectorDb(dir.path);
    t.admin = createToken(db, { scope: 'admin' }).token;
    const viewer = createToken(db, { scope: 'viewer' });
    [t.viewer, viewerId] = [viewer.token, viewer.id];
    t.metrics = createToken(db, { scope: 'metrics' }).token;
    t.party = createToken(db, { scope: 'party', party: PARTY_A, roles: ['IS', 'GS'] }).token;
    await waitForStatus(c, '/api/v1/journeys', undefined, (s) => s === 401);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('answers 401 on every route but the public ones (dashboard page, API description) without a token', async () => {
    for (const r of routeTable(c.http).filter((x) => x.method !== 'HEAD' && x.method !== 'OPTIONS')) {
      const res = await call(c, { method: r.method as Call['method'], url: concrete(r.url) });
      if (routeAccess(r.method, r.url)?.need === 'public') {
        expect([401, 403], `${r.method} ${r.url}`).not.toContain(res.statusCode);
        continue;
      }
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json()).toMatchObject({ error: 'HW_COLLECTOR_UNAUTHENTICATED' });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('answers 401 to a token that is unknown', async () => {
    const res = await call(c, { url: '/api/v1/journeys', token: `hwt_${'A'.repeat(43)}`, from: '10.0.0.1' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'HW_COLLECTOR_UNAUTHENTICATED', message: 'the API token is unknown or revoked' });
  });

  it('lets an admin token call every route, writes included', async () => {
    for (const r of routeTable(c.http).filter((x) => x.method !== 'HEAD' && x.method !== 'OPTIONS')) {
      const res = await call(c, { method: r.method as Call['method'], url: concrete(r.url), token: t.admin });
      expect([401, 403], `${r.method} ${r.url}`).not.toContain(res.statusCode);
    }
    const created = await call(c, { method: 'POST', url: '/api/v1/maintenance', token: t.admin, payload: { from: '2026-11-10T09:00:00Z', to: '2026-11-10T10:00:00Z', description: 'upgrade' } });
    expect(created.statusCode).toBe(201);
  });

  it('lets a viewer token read everything and write nothing', async () => {
    expect((await call(c, { url: '/api/v1/clocks', token: t.viewer })).statusCode).toBe(200);
    expect((await call(c, { url: '/metrics', token: t.viewer })).statusCode).toBe(200);
    const write = await call(c, { method: 'POST', url: '/api/v1/incidents', token: t.viewer, payload: { category: 2, service: 'DCC User Interface', startedAt: '2026-11-10T09:20:00Z' } });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toEqual({ error: 'HW_COLLECTOR_FORBIDDEN', message: 'a viewer token may not call POST /api/v1/incidents' });
    expect((await call(c, { method: 'DELETE', url: '/api/v1/maintenance/1', token: t.viewer })).statusCode).toBe(403);
  });

  it('lets a metrics token scrape /metrics and nothing else', async () => {
    const scrape = await call(c, { url: '/metrics', token: t.metrics });
    expect(scrape.statusCode).toBe(200);
    expect(scrape.body).toContain('hopwatch_http_auth_failures_total');
    for (const url of ['/api/v1/journeys', '/healthz', '/api/v1/rsvp']) expect((await call(c, { url, token: t.metrics })).statusCode, url).toBe(403);
  });

  it('refuses a party token what is not its own', async () => {
    const refused = [
      '/api/v1/clocks', '/api/v1/agents', '/metrics', '/healthz', '/api/v1/availability', '/api/v1/incidents',
      `/api/v1/rsvp?party=${PARTY_B}`, `/api/v1/rsvp?party=${PARTY_A},${PARTY_B}`, `/api/v1/alerts?party=${PARTY_B.toLowerCase()}`,
      `/api/v1/peers?party=${PARTY_B}`, '/api/v1/peers?userRole=ED',
      `/api/v1/rsvp?party=${PARTY_A}&party=${PARTY_B}`, `/api/v1/peers?userRole=ED&userRole=ED`,
    ];
    for (const url of refused) {
      const res = await call(c, { url, token: t.party });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error).toBe('HW_COLLECTOR_FORBIDDEN');
    }
    expect((await call(c, { method: 'POST', url: '/api/v1/maintenance', token: t.party, payload: { from: '2026-11-10T09:00:00Z', to: '2026-11-10T10:00:00Z', description: 'x' } })).statusCode).toBe(403);
    expect((await call(c, { url: `/api/v1/rsvp?party=${PARTY_A.toLowerCase()}`, token: t.party })).statusCode).toBe(200);
  });

  it('takes a revoked token away within the poll interval', async () => {
    expect((await call(c, { url: '/api/v1/journeys', token: t.viewer })).statusCode).toBe(200);
    const db = new Database(collectorDb(dir.path));
    expect(createSqliteApiTokens(db).revoke(viewerId, Date.now())).toBe(true);
    db.close();
    await waitForStatus(c, '/api/v1/journeys', t.viewer, (s) => s === 401, 3000);
  });

  it('answers 429 to an address after too many failed authentications, even with a valid token', async () => {
    const from = '10.9.9.9';
    for (let i = 0; i < 3; i++) expect((await call(c, { url: '/api/v1/journeys', token: `hwt_${'B'.repeat(43)}`, from })).statusCode).toBe(401);
    const limited = await call(c, { url: '/api/v1/journeys', token: `hwt_${'B'.repeat(43)}`, from });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('HW_COLLECTOR_AUTH_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await call(c, { url: '/api/v1/journeys', token: t.admin, from })).statusCode).toBe(429);
    expect((await call(c, { url: '/api/v1/journeys', token: t.admin, from: '10.9.9.10' })).statusCode).toBe(200);
    const scrape = (await call(c, { url: '/metrics', token: t.admin })).body;
    expect(scrape).toMatch(/hopwatch_http_auth_rate_limited_total [1-9]/);
    expect(scrape).toMatch(/hopwatch_http_auth_failures_total\{reason="invalid"\} [1-9]/);
  });

  it('refuses to register a route that has no access rule', async () => {
    const app = createHttpServer({
      store: c.store, catalogue: c.catalogue, ingest: c.ingest, joiner: c.joiner, broker: () => undefined, metrics: new client.Registry(),
      metricEngine: c.metricEngine, clocks: c.clocks, clock: createMonotonicClock(), logger: silentLogger,
      auth: { tokens: { enabled: () => true, principal: () => undefined }, corsOrigins: [], authFailuresPerMinute: 3 },
    });
    expect(() => app.get('/api/v1/secrets', async () => ({}))).toThrow(/GET \/api\/v1\/secrets has no entry in collector\/http\/access.ts/);
    expect(() => app.post('/api/v1/journeys', async () => ({}))).toThrow(/POST \/api\/v1\/journeys has no entry/);
    await app.close();
  });
});

describe('a collector with CORS origins', () => {
  const dir = tempDir();
  let c: Collector;
  beforeAll(async () => {
    c = await startTestCollector(dir.path, { http: { corsOrigins: ['https://ops.example.org'] } });
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('allows those origins only, preflights included', async () => {
    const allowed = await call(c, { url: '/api/v1/journeys', headers: { origin: 'https://ops.example.org' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://ops.example.org');
    expect((await call(c, { url: '/api/v1/journeys', headers: { origin: 'https://evil.example' } })).headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await call(c, { method: 'OPTIONS', url: '/api/v1/journeys', headers: { origin: 'https://ops.example.org', 'access-control-request-method': 'GET' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    const refused = await call(c, { method: 'OPTIONS', url: '/api/v1/journeys', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers['access-control-allow-headers']).toBeUndefined();
  });
});
