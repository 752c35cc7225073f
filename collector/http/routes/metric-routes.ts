// Registers the metric engine's routes, the PDF of the monthly RSVP report, and the
// catalogue in force.
import type { FastifyInstance } from 'fastify';
import type { MetricParams } from '../../metrics/metric-params.js';
import { rsvpRows } from '../../metrics/rsvp.js';
import { renderRsvpPdf } from '../../reports/rsvp-pdf.js';
import { alertSequenceRoutes } from './alert-sequences.js';
import { availabilityRoutes } from './availability.js';
import { indicatorRoutes } from './indicators.js';
import { inventoryRoutes } from './inventory.js';
import { querySchema, reportParams } from './metric-schemas.js';
import { peerRoutes } from './peers.js';
import { reportPackRoutes } from './report-packs.js';
import { envelope, parseReport, rsvpRoutes, type MetricRouteDeps } from './rsvp.js';
import { errorSchema } from './schemas.js';

export function metricRoutes(app: FastifyInstance, deps: MetricRouteDeps): void {
  rsvpRoutes(app, deps);
  indicatorRoutes(app, deps);
  availabilityRoutes(app, deps);
  peerRoutes(app, deps);
  reportPackRoutes(app, deps);
  inventoryRoutes(app, deps);
  alertSequenceRoutes(app, deps);
  const m = deps.metrics;

  // The monthly RSVP table as a PDF (MP176: CSV data files and PDF reports).
  app.get<{ Querystring: MetricParams }>('/api/v1/reports/rsvp.pdf', {
    schema: { querystring: querySchema(reportParams), response: { 200: { content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } }, 400: errorSchema } },
  }, async (req, reply) => {
    const q = parseReport(deps, req.query, { days: 30, granularity: 'month', by: ['srv'] });
    const e = envelope(m, q);
    const pdf = await renderRsvpPdf(rsvpRows(m.source, q), {
      title: `RSVP by ${q.by.join(', ') || 'all'}`, period: req.query.month ?? `${String(e.from)} to ${String(e.to)}`,
      timeZone: m.config.timeZone, by: q.by, precision: String(e.precision), generatedAt: new Date(deps.nowMs()).toISOString(),
    });
    return reply.type('application/pdf').send(pdf);
  });

  // The catalogue in force: what TRTs, codes, processes and targets the figures were computed with.
  app.get('/api/v1/catalogue', {
    schema: { response: { 200: { type: 'object', additionalProperties: true } } },
  }, async () => m.source.catalogue.data);
}
