// The OpenAPI document (GET /openapi.json) against the server it describes: every route of the
// server's own route table is an operation with its path and query parameters, its responses
// and its security (from the access table), and real answers of a collector holding journeys
// and metric rollups validate against the document's response schemas.
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { routeAccess } from '../../collector/http/access.js';
import { DOCS_PREFIX, OPENAPI_PATH } from '../../collector/http/openapi.js';
import type { JourneyRecord } from '../../collector/join/journey-record.js';
import { collectorDb, createToken, waitForStatus } from '../helpers/api-tokens.js';
import { routeTable, type RouteRef } from '../helpers/route-table.js';
import { startTestCollector, writeThroughIngest } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { alert, DEVICE_1, DEVICE_2, PARTY_B, request, writeOf } from '../unit/metrics/harness.js';

interface Parameter { name: string; in: string; required?: boolean; schema?: { type?: string; enum?: unknown[]; pattern?: string } }
interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
  security?: Record<string, string[]>[];
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
}

const QUERIES = ['', '?month=2026-11', '?month=2026-11&by=srv,region', '?month=2026-11&granularity=day&by=party', '?limit=1000'];
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const isOperation = (r: RouteRef) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && r.url !== DOCS_PREFIX && !r.url.startsWith(`${DOCS_PREFIX}/`);

describe('the OpenAPI document', () => {
  const dir = tempDir();
  let c: Collector;
  let doc: OpenApiDocument;
  let admin: string;
  let requestKey = '';
  let alertKey = '';

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { metrics: { peers: { minPeers: 1 } } });
    const req = (at: string, srv: string, extra: Partial<Parameters<typeof request>[0]> = {}) => request({ at, srv, ...extra }, c.catalogue);
    const records: JourneyRecord[] = [
      req('2026-11-10T09:00:00Z', '4.1.1'), req('2026-11-10T09:01:00Z', '4.1.1', { rttMs: 9000, party: PARTY_B }),
      req('2026-11-10T09:02:00Z', '4.1.1', { unanswered: true }), req('2026-11-10T09:03:00Z', '2.2', { code: 'E20', device: DEVICE_2 }),
      req('2026-11-10T09:04:00Z', '8.1.1', { device: DEVICE_1 }), req('2026-11-10T09:05:00Z', '1.1.1', { device: DEVICE_1 }),
      req('2026-11-10T09:06:00Z', '8.14.1'), req('2026-11-10T09:07:00Z', '6.23', { code: 'E21' }),
      alert({ at: '2026-11-10T09:10:00Z', code: 'N12', deliveryMs: 30_000 }, c.catalogue),
    ];
    const writes = records.map((r) => writeOf(r));
    const nowMs = Date.parse('2026-11-10T12:00:00Z');
    writeThroughIngest(c, writes, nowMs);
    c.store.upsertAgentStatus('csp-1', { state: 'online' }, nowMs);
    requestKey = records[0]!.key;
    alertKey = records[records.length - 1]!.key;

    admin = createToken(collectorDb(dir.path), { scope: 'admin' }).token;
    await waitForStatus(c, '/api/v1/journeys', undefined, (s) => s === 401);
    const res = await c.http.inject({ method: 'GET', url: OPENAPI_PATH });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  const get = (url: string) => c.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${admin}` } });
  const operationOf = (r: RouteRef) => doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];

  it('is an OpenAPI 3 document served without a token, with a bearer security scheme', async () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect((await c.http.inject({ method: 'GET', url: OPENAPI_PATH })).statusCode).toBe(200);
  });

  it('documents every route of the server with its path parameters, responses and security', () => {
    const routes = routeTable(c.http).filter(isOperation);
    expect(routes.length).toBeGreaterThanOrEqual(20);
    for (const r of routes) {
      const op = operationOf(r);
      expect(op, `${r.method} ${r.url}`).toBeDefined();
      const pathParams = [...r.url.matchAll(/:(\w+)/g)].map((m) => m[1]);
      expect(op!.parameters?.filter((p) => p.in === 'path').map((p) => p.name).sort() ?? [], `${r.method} ${r.url}`).toEqual(pathParams.sort());
      const success = Object.entries(op!.responses).filter(([status]) => /^2\d\d$/.test(status));
      expect(success.length, `${r.method} ${r.url} has a success response`).toBeGreaterThan(0);
      for (const [status, response] of success.filter(([s]) => s !== '204')) expect(Object.values(response.content ?? {}).some((m) => m.schema !== undefined), `${r.method} ${r.url} ${status} has a schema`).toBe(true);
      const access = routeAccess(r.method, r.url)!;
      expect(op!.security, `${r.method} ${r.url}`).toEqual(access.need === 'public' ? [] : [{ bearerAuth: [] }]);
    }
  });

  it('documents the query parameters each route validates', async () => {
    let refused = 0;
    for (const r of routeTable(c.http).filter((x) => x.method === 'GET' && isOperation(x))) {
      const query = operationOf(r)!.parameters?.filter((x) => x.in === 'query') ?? [];
      // With a required parameter missing the route names that one first.
      const named = !query.some((x) => x.required);
      for (const p of query) {
        const schema = p.schema ?? {};
        // A value the documented schema refuses must be refused by the route, naming the parameter.
        const bad = schema.enum ? 'not-one-of-them' : schema.pattern ? '~~' : schema.type === 'integer' ? '1.5' : undefined;
        if (bad === undefined) continue;
        const res = await get(`${r.url.replace(/:(\w+)/g, '$1')}?${p.name}=${bad}`);
        expect(res.statusCode, `GET ${r.url}?${p.name}=${bad}`).toBe(400);
        if (named) expect(res.json().message, `GET ${r.url}?${p.name}=${bad}`).toContain(p.name);
        refused++;
      }
    }
    expect(refused).toBeGreaterThanOrEqual(20);
  });

  it('describes the real answers of every GET route', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    // The formats the routes' schemas use.
    ajv.addFormat('date-time', (v: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) && !Number.isNaN(Date.parse(v)));
    ajv.addFormat('binary', true);
    ajv.addSchema(doc, 'openapi');
    const validators = new Map<string, ValidateFunction>();
    const validatorFor = (path: string, status: string, type: string) => {
      const pointer = `openapi#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/${status}/content/${type.replace(/\//g, '~1')}/schema`;
      if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: pointer }));
      return validators.get(pointer)!;
    };
    const urlsOf = (url: string) => (url.includes(':key') ? [requestKey, alertKey].map((k) => url.replace(':key', encodeURIComponent(k))) : QUERIES.map((q) => `${url}${q}`));
    let validated = 0;
    for (const r of routeTable(c.http).filter((x) => x.method === 'GET' && isOperation(x))) {
      const path = openApiPath(r.url);
      for (const u of urlsOf(r.url)) {
        const res = await get(u);
        const responses = operationOf(r)!.responses;
        const response = responses[String(res.statusCode)];
        expect(response, `GET ${u} answered ${res.statusCode}, not documented: ${res.body.slice(0, 200)}`).toBeDefined();
        const type = String(res.headers['content-type']).split(';')[0]!;
        expect(Object.keys(response!.content ?? {}), `GET ${u} content type`).toContain(type);
        if (type !== 'application/json') continue;
        const validate = validatorFor(path, String(res.statusCode), type);
        expect(validate(res.json()), `GET ${u}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        if (res.statusCode === 200) validated++;
      }
    }
    expect(validated).toBeGreaterThanOrEqual(40);
  });

  it('serves the interactive page and its files from the collector itself, without a token', async () => {
    const page = await c.http.inject({ method: 'GET', url: `${DOCS_PREFIX}/` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset, 'no asset from elsewhere').not.toMatch(/^(https?:)?\/\//);
      const res = await c.http.inject({ method: 'GET', url: new URL(asset, `http://127.0.0.1${DOCS_PREFIX}/`).pathname });
      expect(res.statusCode, asset).toBe(200);
    }
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
  });
});
