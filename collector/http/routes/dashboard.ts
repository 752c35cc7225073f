// GET /: a one-page dashboard over the API (latest journeys with where their time went,
// today's RSVP, the agents' clocks). Plain HTML and script, read once at start-up.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { packageFile } from '../../../common/paths.js';

export function dashboardRoutes(app: FastifyInstance): void {
  const page = readFileSync(packageFile('collector', 'http', 'dashboard', 'index.html'), 'utf8');
  app.get('/', { schema: { response: { 200: { type: 'string' } } } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(page));
}
