// GET /api/v1/cluster over real keepers and a real store, behind the collector's access rules:
// every member with its partitions, lease ages and reported lag; admin and viewer tokens only.
import Fastify, { type FastifyInstance } from 'fastify';
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenAuthority, type ClosableTokenAuthority } from '../../../collector/auth/token-authority.js';
import { checkTokenRequest, issueApiToken } from '../../../collector/auth/token-issuer.js';
import { createLeaseKeeper, type LeaseKeeper } from '../../../collector/cluster/lease-keeper.js';
import { installAccessControl } from '../../../collector/http/access-control.js';
import { clusterRoutes } from '../../../collector/http/routes/cluster.js';
import { createSqliteApiTokens } from '../../../collector/store/sqlite/api-tokens.js';
import { createSqlitePartitionLeases } from '../../../collector/store/sqlite/partition-leases.js';
import { openSqliteStore, type SqliteStore } from '../../../collector/store/sqlite-store.js';
import { silentLogger } from '../../../common/logger.js';

const PARTY = '90-B3-D5-1F-30-01-00-00';

describe('GET /api/v1/cluster', () => {
  let store: SqliteStore;
  let authority: ClosableTokenAuthority;
  let app: FastifyInstance;
  let keepers: LeaseKeeper[];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    store = openSqliteStore({ file: ':memory:', synchronous: 'normal' });
    const apiTokens = createSqliteApiTokens(store.db);
    for (const scope of ['admin', 'viewer', 'metrics'] as const) tokens[scope] = issueApiToken(apiTokens, checkTokenRequest({ scope, roles: [], label: '' }, ['IS']), 0).token;
    tokens.party = issueApiToken(apiTokens, checkTokenRequest({ scope: 'party', party: PARTY, roles: ['IS'], label: '' }, ['IS']), 0).token;
    authority = createTokenAuthority({ store: apiTokens, pollIntervalMs: 1000, logger: silentLogger });
    // Two members on one store, one after the other: the first takes all 8, then gives 4 up.
    keepers = ['collector-a', 'collector-b'].map((id) => createLeaseKeeper({
      leases: createSqlitePartitionLeases(store.db, { partitionCount: 8 }),
      member: { id, address: `http://${id}.test:8080` }, heartbeatMs: 50, ttlMs: 5_000, logger: silentLogger,
      lag: () => (id === 'collector-a' ? [{ partition: 0, lagMs: 250, queuedBatches: 7 }] : []),
    }));
    for (const k of keepers) k.start();
    for (let i = 0; i < 200 && keepers.some((k) => k.held().length !== 4); i++) await new Promise((r) => setTimeout(r, 10));
    app = Fastify();
    installAccessControl(app, { tokens: authority, authFailuresPerMinute: 50, metrics: new client.Registry(), logger: silentLogger });
    clusterRoutes(app, () => keepers[0]!.state());
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    for (const k of keepers) await k.stop();
    authority.close();
    store.close();
  });

  const get = (token: string | undefined) => app.inject({ url: '/api/v1/cluster', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  it('shows each member with its partitions, lease ages and lag, from the store', async () => {
    const res = await get(tokens.viewer);

    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ self: 'collector-a', partitionCount: 8, heartbeatMs: 50, ttlMs: 5_000, takeoverBoundMs: 5_050, unowned: [] });
    expect(body.members.map((m: { id: string; self: boolean; live: boolean; partitions: number[] }) => [m.id, m.self, m.live, m.partitions])).toEqual([
      ['collector-a', true, true, [0, 1, 2, 3]],
      ['collector-b', false, true, [4, 5, 6, 7]],
    ]);
    const [a] = body.members;
    expect(a.lag).toEqual([{ partition: 0, lagMs: 250, queuedBatches: 7 }]);
    expect(a.leases[0]).toMatchObject({ partition: 0, epoch: 1 });
    expect(a.leases[0].expiresInMs).toBeGreaterThan(0);
    expect(a.leases[0].renewedAgoMs + a.leases[0].expiresInMs).toBeCloseTo(5_000, -1);
    expect(a.leases[0].heldForMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(a.startedAt)).not.toBeNaN();
  });

  it('answers admin and viewer tokens only', async () => {
    expect((await get(tokens.admin)).statusCode).toBe(200);
    expect((await get(tokens.party)).statusCode).toBe(403);
    expect((await get(tokens.metrics)).statusCode).toBe(403);
    expect((await get(undefined)).statusCode).toBe(401);
  });

  it('answers 404 on a collector that takes no part in partition leases', async () => {
    const alone = Fastify();
    clusterRoutes(alone, undefined);
    const res = await alone.inject({ url: '/api/v1/cluster' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'HW_COLLECTOR_NOT_FOUND' });
    await alone.close();
  });
});
