// GET /api/v1/reports/alerts.pdf: the alert report as PDF (collector/reports/alerts-pdf.ts):
// delivery per alert code, the alert sequences, and for every party the power outage clustering.
import type { FastifyInstance } from 'fastify';
import type { MetricReader } from '../../metrics/engine.js';
import { renderAlertsPdf } from '../../reports/alerts-pdf.js';
import { packPeriod } from '../../reports/pack-period.js';
import type { JourneyRecordStore } from '../../store/ports/journey-records.js';
import { periodParams, querySchema } from './metric-schemas.js';
import { errorSchema } from './schemas.js';

export interface AlertReportRouteDeps {
  readonly store: JourneyRecordStore;
  readonly metrics: MetricReader;
  readonly nowMs: () => number;
}

const EUI64 = '^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){7}$';

export function alertReportRoutes(app: FastifyInstance, deps: AlertReportRouteDeps): void {
  app.get<{ Querystring: { month?: string; from?: string; to?: string; party?: string } }>('/api/v1/reports/alerts.pdf', {
    schema: {
      querystring: querySchema({ ...periodParams, party: { type: 'string', pattern: EUI64, description: 'only this DCC User (alerts addressed to it, SRs it sent); the outage clustering is left out' } }),
      response: { 200: { content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } }, 400: errorSchema },
    },
  }, async (req, reply) => {
    const { party, ...period } = req.query;
    const nowMs = deps.nowMs();
    const pdf = await renderAlertsPdf(deps.metrics, packPeriod(period, deps.metrics.source.calendar, nowMs), { ...(party !== undefined ? { party: party.toUpperCase() } : {}), store: deps.store, nowMs });
    return reply.type('application/pdf').send(pdf);
  });
}
