// The PDF packs over HTTP: GET /api/v1/reports/mp122.pdf (the monthly pack, every party) and
// GET /api/v1/reports/mp176.pdf?party= (one party beside anonymised peers and the industry).
import type { FastifyInstance } from 'fastify';
import { renderPack } from '../../reports/report-packs.js';
import { periodParams, querySchema } from './metric-schemas.js';
import type { MetricRouteDeps } from './rsvp.js';
import { errorSchema } from './schemas.js';

const pdfResponse = { 200: { content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } }, 400: errorSchema };
const EUI64 = '^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){7}$';

export function reportPackRoutes(app: FastifyInstance, deps: MetricRouteDeps): void {
  const m = deps.metrics;
  app.get<{ Querystring: { month?: string; from?: string; to?: string } }>('/api/v1/reports/mp122.pdf', {
    schema: { querystring: querySchema(periodParams), response: pdfResponse },
  }, async (req, reply) => reply.type('application/pdf').send(await renderPack('mp122', m, req.query, deps.nowMs())));

  app.get<{ Querystring: { month?: string; from?: string; to?: string; party: string; userRole?: string } }>('/api/v1/reports/mp176.pdf', {
    schema: { querystring: querySchema({ ...periodParams, party: { type: 'string', pattern: EUI64 }, userRole: { type: 'string', minLength: 1, maxLength: 64 } }, ['party']), response: pdfResponse },
  }, async (req, reply) => {
    const { party, userRole, ...period } = req.query;
    const pdf = await renderPack('mp176', m, { ...period, for: party, ...(userRole !== undefined ? { role: userRole } : {}) }, deps.nowMs());
    return reply.type('application/pdf').send(pdf);
  });
}
