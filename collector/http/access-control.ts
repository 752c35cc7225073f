// Enforces collector/http/access.ts: every route must have an entry (registration fails
// otherwise); once any API token exists, every non-public route needs a bearer token whose
// scope covers it (401 / 403); a party token's queries are narrowed to its own party.
// Failed authentications are limited per client address (@fastify/rate-limit): a client
// over the limit gets 429 even with a valid token, so guessing gains nothing.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import client from 'prom-client';
import type { Logger } from '../../common/logger.js';
import type { Principal, TokenAuthority } from '../auth/principal.js';
import { ROUTE_ACCESS, routeAccess, scopeAllows, type RouteAccess } from './access.js';

export interface AccessControlOptions {
  readonly tokens: TokenAuthority;
  readonly authFailuresPerMinute: number;
  /** Where the counters are registered (GET /metrics). */
  readonly metrics: client.Registry;
  readonly logger: Logger;
  /** The route table (default: collector/http/access.ts). */
  readonly routes?: Readonly<Record<string, RouteAccess>>;
}

/** Client addresses whose failures are remembered at most (least recently seen forgotten first). */
const RATE_LIMIT_ADDRESSES = 10_000;

const principals = new WeakMap<FastifyRequest, Principal>();

/** The party a request is confined to: the token's party for a party token, else undefined (no confinement). */
export function partyScope(req: FastifyRequest): string | undefined {
  const p = principals.get(req);
  return p?.scope === 'party' ? p.party : undefined;
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer +(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

type Query = Record<string, string | string[] | undefined>;
// A repeated parameter (?party=A&party=B) arrives as an array: every value counts.
const listOf = (v: string | string[]) => [v].flat().flatMap((x) => x.split(',')).map((x) => x.trim().toUpperCase()).filter((x) => x !== '');

/** Narrows a party token's query to its own party; returns why it is refused, if it is. */
function narrowToParty(query: Query, access: RouteAccess, p: Extract<Principal, { scope: 'party' }>): string | undefined {
  if (access.party !== 'own-rows' && access.party !== 'own-peers') return undefined;
  if (query.party !== undefined && listOf(query.party).some((x) => x !== p.party)) return `a party token for ${p.party} reads its own figures only (party=${String(query.party)})`;
  query.party = p.party;
  if (access.party === 'own-peers') {
    if (query.userRole !== undefined && (typeof query.userRole !== 'string' || !p.roles.includes(query.userRole))) return `the token's User Roles are ${p.roles.join(', ')}, not ${String(query.userRole)}`;
    if (query.userRole === undefined && p.roles.length === 1) query.userRole = p.roles[0];
  }
  return undefined;
}

export function installAccessControl(app: FastifyInstance, options: AccessControlOptions): void {
  const table = options.routes ?? ROUTE_ACCESS;
  const log = options.logger.child({ component: 'http-access' });
  const accessOf = (method: string, url: string | undefined) => (url === undefined ? undefined : routeAccess(method, url, table));
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!accessOf(method, route.url)) throw new Error(`route ${method} ${route.url} has no entry in collector/http/access.ts: decide who may call it`);
    }
  });

  const failures = new client.Counter({
    name: 'hopwatch_http_auth_failures_total', help: 'HTTP requests refused by API token checks, by reason (missing, invalid, forbidden).',
    labelNames: ['reason'], registers: [options.metrics],
  });
  const limited = new client.Counter({
    name: 'hopwatch_http_auth_rate_limited_total', help: 'HTTP requests refused with 429 because their address failed authentication too often (http.authFailuresPerMinute).',
    registers: [options.metrics],
  });

  void app.register(rateLimit, { global: false, max: options.authFailuresPerMinute, timeWindow: 60_000, cache: RATE_LIMIT_ADDRESSES });
  let limiter: ReturnType<FastifyInstance['createRateLimit']> | undefined;
  const tooMany = async (req: FastifyRequest, reply: FastifyReply, increment: boolean) => {
    limiter ??= app.createRateLimit();
    const r = await limiter(req, { increment });
    if (r.isAllowed || !r.isExceeded) return false;
    limited.inc();
    // Logged once per address and window: the failure that crossed the limit (later ones are only read).
    if (increment) log.warn({ address: req.ip, failuresPerMinute: options.authFailuresPerMinute }, 'too many failed API authentications; address refused for the rest of the minute');
    await reply.code(429).header('retry-after', String(r.ttlInSeconds)).send({
      error: 'HW_COLLECTOR_AUTH_RATE_LIMITED', message: `too many failed authentications from ${req.ip}; retry in ${r.ttlInSeconds} s`,
    });
    return true;
  };
  const refuse = (reply: FastifyReply, status: 401 | 403, reason: string, message: string) => {
    failures.inc({ reason });
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="hopwatch"');
    return reply.code(status).send({ error: status === 401 ? 'HW_COLLECTOR_UNAUTHENTICATED' : 'HW_COLLECTOR_FORBIDDEN', message });
  };

  app.addHook('onRequest', async (req, reply) => {
    const access = accessOf(req.method, req.routeOptions.url);
    if (!options.tokens.enabled() || access?.need === 'public') return;
    if (await tooMany(req, reply, false)) return;
    const token = bearer(req.headers.authorization);
    if (token === undefined) return refuse(reply, 401, 'missing', 'this collector requires an API token: send Authorization: Bearer <token>');
    const principal = options.tokens.principal(token);
    if (!principal) {
      if (await tooMany(req, reply, true)) return;
      return refuse(reply, 401, 'invalid', 'the API token is unknown or revoked');
    }
    principals.set(req, principal);
    // No route (a 404 follows): nothing to check beyond the token.
    if (!access) return;
    if (!scopeAllows(principal.scope, access)) return refuse(reply, 403, 'forbidden', `a ${principal.scope} token may not call ${req.method} ${req.routeOptions.url}`);
    if (principal.scope === 'party') {
      const why = narrowToParty(req.query as Query, access, principal);
      if (why !== undefined) return refuse(reply, 403, 'forbidden', why);
    }
  });

  // Fails closed: a route whose query schema has no `party` would drop the forced filter and answer for everyone.
  app.addHook('preHandler', async (req, reply) => {
    const p = principals.get(req);
    const rule = accessOf(req.method, req.routeOptions.url)?.party;
    if (p?.scope !== 'party' || (rule !== 'own-rows' && rule !== 'own-peers') || (req.query as Query).party === p.party) return;
    return refuse(reply, 403, 'forbidden', `${req.method} ${req.routeOptions.url} takes no party filter, so a party token may not call it`);
  });
}
