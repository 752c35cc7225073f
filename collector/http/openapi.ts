// The HTTP API described as OpenAPI 3, generated from the routes' own JSON schemas
// (@fastify/swagger): GET /openapi.json, and an interactive page at /docs
// (@fastify/swagger-ui, served from this process: nothing is fetched from elsewhere).
// Security comes from the access table (collector/http/access.ts): a public route needs
// nothing, any other a bearer token, with the scopes that may call it named in the operation.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { packageFile } from '../../common/paths.js';
import { routeAccess, scopesFor, type RouteAccess } from './access.js';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PREFIX = '/docs';

// The page loads swagger-ui's script and styles from /docs/static; the rest of the policy is the
// dashboard's (collector/http/security-headers.ts): nothing from elsewhere, no framing.
const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const packageVersion = () => (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;

function securityOf(access: RouteAccess | undefined): Pick<FastifySchema, 'security'> & { 'x-hopwatch-scopes'?: readonly string[] } {
  if (!access || access.need === 'public') return { security: [] };
  return { security: [{ bearerAuth: [] }], 'x-hopwatch-scopes': scopesFor(access) };
}

/**
 * Registers the document and the page. Only routes added after this, in plugins registered
 * after it, are documented (collector/http/server.ts registers the API's routes so); the CORS
 * preflight route, added before, is not an operation of the API.
 */
export function installOpenApi(app: FastifyInstance): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'hopwatch collector API',
        version: packageVersion(),
        description: 'Journeys, RSVP and the other DCC measures, agents and clocks. Once any API token exists, every route but the public ones needs `Authorization: Bearer <token>` (README "Security"); `x-hopwatch-scopes` names the token scopes that may call an operation.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token from `hopwatch tokens create`.' } } },
    },
    transform({ schema, url, route }) {
      return { schema: { ...schema, ...securityOf(routeAccess([route.method].flat()[0]!, url)) }, url };
    },
  });
  void app.register(swaggerUi, { routePrefix: DOCS_PREFIX, staticCSP: DOCS_CSP });
  // Registered after the OpenAPI plugin, like every other route, so the document lists itself.
  void app.register(async (api) => {
    api.get(OPENAPI_PATH, {
      schema: { description: 'This document (OpenAPI 3).', response: { 200: { type: 'object', additionalProperties: true } } },
    }, async () => app.swagger());
  });
}
