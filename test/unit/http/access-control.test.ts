// The access hooks on a bare fastify app with a route table of its own: a party token's
// filter is forced onto its own party, and a route that would drop that filter fails closed.
import Fastify from 'fastify';
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenAuthority, type ClosableTokenAuthority } from '../../../collector/auth/token-authority.js';
import { checkTokenRequest, issueApiToken } from '../../../collector/auth/token-issuer.js';
import { installAccessControl } from '../../../collector/http/access-control.js';
import { createSqliteApiTokens } from '../../../collector/store/sqlite/api-tokens.js';
import { openSqliteStore, type SqliteStore } from '../../../collector/store/sqlite-store.js';
import { silentLogger } from '../../../common/logger.js';

const PARTY = '90-B3-D5-1F-30-01-00-00';

describe('access control hooks', () => {
  let store: SqliteStore;
  let authority: ClosableTokenAuthority;
  const app = Fastify();
  const tokens = { party: '', viewer: '' };

  beforeAll(async () => {
    store = openSqliteStore({ file: ':memory:', synchronous: 'normal' });
    const apiTokens = createSqliteApiTokens(store.db);
    tokens.party = issueApiToken(apiTokens, checkTokenRequest({ scope: 'party', party: PARTY, roles: ['IS'], label: '' }, ['IS']), 0).token;
    tokens.viewer = issueApiToken(apiTokens, checkTokenRequest({ scope: 'viewer', roles: [], label: '' }, ['IS']), 0).token;
    authority = createTokenAuthority({ store: apiTokens, pollIntervalMs: 1000, logger: silentLogger });
    installAccessControl(app, {
      tokens: authority, authFailuresPerMinute: 5, metrics: new client.Registry(), logger: silentLogger,
      routes: { 'GET /rows': { need: 'read', party: 'own-rows' }, 'GET /unfiltered': { need: 'read', party: 'own-rows' } },
    });
    const echo = async (req: { query: unknown }) => req.query;
    app.get('/rows', { schema: { querystring: { type: 'object', additionalProperties: false, properties: { party: { type: 'string' }, srv: { type: 'string' } } } } }, echo);
    app.get('/unfiltered', { schema: { querystring: { type: 'object', additionalProperties: false, properties: { srv: { type: 'string' } } } } }, echo);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    authority.close();
    store.close();
  });

  const get = (url: string, token: string) => app.inject({ url, headers: { authorization: `Bearer ${token}` } });

  it('forces a party token\'s filter onto its own party and leaves the other parameters', async () => {
    expect((await get('/rows?srv=4.1.1', tokens.party)).json()).toEqual({ party: PARTY, srv: '4.1.1' });
    expect((await get(`/rows?party=${PARTY.toLowerCase()}`, tokens.party)).json()).toEqual({ party: PARTY });
    expect((await get('/rows?srv=4.1.1', tokens.viewer)).json()).toEqual({ srv: '4.1.1' });
  });

  it('refuses a party token on a party route whose schema would drop the party filter', async () => {
    const res = await get('/unfiltered?srv=4.1.1', tokens.party);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: 'HW_COLLECTOR_FORBIDDEN', message: 'GET /unfiltered takes no party filter, so a party token may not call it' });
    expect((await get('/unfiltered?srv=4.1.1', tokens.viewer)).statusCode).toBe(200);
  });
});
