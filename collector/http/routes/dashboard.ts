// GET /: a one-page dashboard over the API (latest journeys with where their time went,
// today's RSVP, the agents' clocks). Plain HTML and script, read once at start-up. The page
// itself holds no data: with API tokens it asks for one and sends it with every call.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { packageFile } from '../../../common/paths.js';

let page: string | undefined;
const dashboardPage = () => (page ??= readFileSync(packageFile('collector', 'http', 'dashboard', 'index.html'), 'utf8'));

/** CSP hash sources of the page's inline scripts, so the policy allows them and nothing else. */
export function dashboardScriptHashes(): string[] {
  return [...dashboardPage().matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}`);
}

export function dashboardRoutes(app: FastifyInstance): void {
  const html = dashboardPage();
  app.get('/', { schema: { response: { 200: { content: { 'text/html': { schema: { type: 'string' } } } } } } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
}
