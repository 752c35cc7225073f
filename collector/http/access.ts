// Who may call each route: the one table of the HTTP API's access rules. Registering a route
// that is not listed here fails (collector/http/access-control.ts), so no route can be added
// without deciding who may see it. Keys are `METHOD url` as fastify registers them.
//
// need:  public  no token (the dashboard page, the API's description and CORS preflights carry no data)
//        read    admin, viewer and party tokens (party subject to `party` below)
//        write   admin only
//        metrics admin, viewer and metrics tokens (Prometheus)
// party: what a party token (one DCC User, EUI-64) gets on a `read` route:
//        deny       403: the route cannot be narrowed to one party (agents, clocks, availability
//                   by region, operations log)
//        reference  as is: it holds no party's data (the catalogue: SRVs, codes, targets)
//        own-rows   a metric report with its party filter forced to the token's party; any
//                   other `party=` is 403 (MP176: a Party never learns another's figures)
//        own-peers  the peer report for the token's party, in one of its User Roles
//        own-journeys  only the party's journeys: requests it originated, alerts addressed
//                   to it (see journeyVisibleTo)
import type { TokenScope } from '../auth/principal.js';

export type Need = 'public' | 'read' | 'write' | 'metrics';
export type PartyRule = 'deny' | 'reference' | 'own-rows' | 'own-peers' | 'own-journeys';

export interface RouteAccess {
  readonly need: Need;
  readonly party: PartyRule;
}

const read = (party: PartyRule): RouteAccess => ({ need: 'read', party });
const write: RouteAccess = { need: 'write', party: 'deny' };

export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  'GET /': { need: 'public', party: 'reference' },
  'GET /dashboard/:file': { need: 'public', party: 'reference' },
  'OPTIONS *': { need: 'public', party: 'reference' },
  'GET /metrics': { need: 'metrics', party: 'deny' },
  'GET /healthz': read('deny'),
  'GET /api/v1/agents': read('deny'),
  'GET /api/v1/clocks': read('deny'),
  'GET /api/v1/cluster': read('deny'),
  'GET /api/v1/catalogue': read('reference'),
  'GET /api/v1/journeys': read('own-journeys'),
  'GET /api/v1/journeys/:key': read('own-journeys'),
  'GET /api/v1/rsvp': read('own-rows'),
  'GET /api/v1/processes': read('own-rows'),
  'GET /api/v1/processes/attribution': read('own-rows'),
  'GET /api/v1/processes/install-reads': read('own-rows'),
  'GET /api/v1/processes/cos-gain': read('own-rows'),
  'GET /api/v1/indicators/installs': read('own-rows'),
  'GET /api/v1/indicators/top-ups': read('own-rows'),
  'GET /api/v1/indicators/change-of-supplier': read('own-rows'),
  'GET /api/v1/alerts': read('own-rows'),
  'GET /api/v1/alerts/credentials': read('own-rows'),
  'GET /api/v1/alerts/outages': read('own-rows'),
  'GET /api/v1/alerts/firmware-verification': read('own-rows'),
  'GET /api/v1/alerts/failure-links': read('own-rows'),
  'GET /api/v1/reports/rsvp.pdf': read('own-rows'),
  'GET /api/v1/reports/mp122.pdf': read('deny'),
  'GET /api/v1/reports/mp176.pdf': read('own-peers'),
  'GET /api/v1/peers': read('own-peers'),
  'GET /api/v1/compare': read('own-rows'),
  'GET /api/v1/compare.csv': read('own-rows'),
  'GET /api/v1/compare.pdf': read('own-rows'),
  'GET /api/v1/reports/alerts.pdf': read('own-rows'),
  'GET /api/v1/inventory': read('own-peers'),
  'GET /api/v1/inventory/devices': read('own-rows'),
  'GET /api/v1/availability': read('deny'),
  'GET /api/v1/availability/power-outages': read('deny'),
  'GET /api/v1/throughput': read('deny'),
  'GET /api/v1/alerting/rules': read('deny'),
  'GET /api/v1/alerting/events': read('deny'),
  'GET /api/v1/reliability': read('deny'),
  'GET /api/v1/maintenance': read('deny'),
  'POST /api/v1/maintenance': write,
  'DELETE /api/v1/maintenance/:id': write,
  'GET /api/v1/incidents': read('deny'),
  'POST /api/v1/incidents': write,
  'PATCH /api/v1/incidents/:id': write,
  // The API's description and its interactive page (collector/http/openapi.ts): route shapes
  // and swagger-ui's own files, no data; the page asks for a token before it calls anything else.
  'GET /openapi.json': { need: 'public', party: 'reference' },
  'GET /docs': { need: 'public', party: 'reference' },
  'GET /docs/': { need: 'public', party: 'reference' },
  'GET /docs/json': { need: 'public', party: 'reference' },
  'GET /docs/yaml': { need: 'public', party: 'reference' },
  'GET /docs/static/index.html': { need: 'public', party: 'reference' },
  'GET /docs/static/swagger-initializer.js': { need: 'public', party: 'reference' },
  'GET /docs/static/*': { need: 'public', party: 'reference' },
};

/** The rule of a route; HEAD routes fastify adds for GET ones follow their GET. */
export function routeAccess(method: string, url: string, table: Readonly<Record<string, RouteAccess>> = ROUTE_ACCESS): RouteAccess | undefined {
  return table[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

const SCOPES_FOR: Record<Exclude<Need, 'public'>, readonly TokenScope[]> = {
  read: ['admin', 'viewer', 'party'],
  write: ['admin'],
  metrics: ['admin', 'viewer', 'metrics'],
};

/** The token scopes that may call a route (none needed for a public one). */
export function scopesFor(access: RouteAccess): readonly TokenScope[] {
  return access.need === 'public' ? [] : SCOPES_FOR[access.need];
}

export function scopeAllows(scope: TokenScope, access: RouteAccess): boolean {
  if (access.need === 'public') return true;
  if (!SCOPES_FOR[access.need].includes(scope)) return false;
  return scope !== 'party' || access.party !== 'deny';
}

/**
 * Whether a journey belongs to a party. The party of a request is its originator (the key's
 * first EUI-64); an alert's key runs device to User (firmware-stubs/traffic.ts, DUIS alerts
 * carry the recipient as the second part), so the party of an alert is the key's target.
 * The same rule makes the metric engine's party dimension (collector/metrics/record-facts.ts).
 */
export function journeyVisibleTo(party: string, kind: 'request' | 'alert', key: string): boolean {
  const [originator, target] = key.toUpperCase().split(':');
  return (kind === 'alert' ? target : originator) === party;
}
