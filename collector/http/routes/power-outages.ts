// GET /api/v1/availability/power-outages: Power Outage Alerts clustered into windows per CSP
// region, isolated events apart from wider outages (collector/metrics/power-outages.ts).
import type { FastifyInstance } from 'fastify';
import type { MetricReader } from '../../metrics/engine.js';
import { parsePeriod, type MetricParams } from '../../metrics/metric-params.js';
import { powerOutageReport } from '../../metrics/power-outage-report.js';
import type { JourneyRecordStore } from '../../store/ports/journey-records.js';
import { integerSchema, periodParams, querySchema } from './metric-schemas.js';
import { errorSchema } from './schemas.js';

export interface PowerOutageRouteDeps {
  readonly store: JourneyRecordStore;
  readonly metrics: MetricReader;
  readonly nowMs: () => number;
}

type Query = MetricParams & { region?: string; alertCode?: string };

const list = (v: string | undefined) => v?.split(',').map((x) => x.trim()).filter((x) => x !== '');
const object = (properties: Record<string, unknown>) => ({ type: 'object', properties });

export function powerOutageRoutes(app: FastifyInstance, deps: PowerOutageRouteDeps): void {
  app.get<{ Querystring: Query }>('/api/v1/availability/power-outages', {
    schema: {
      querystring: querySchema({
        ...periodParams,
        region: { type: 'string', maxLength: 100, description: 'CSP regions, comma-separated (default: all)' },
        alertCode: { type: 'string', maxLength: 200, description: 'Power Outage Alert codes, comma-separated (default: metrics.powerOutage.alertCodes, else the catalogue\'s codes of reason power-outage)' },
      }),
      response: {
        200: object({
          from: { type: 'string' }, to: { type: 'string' }, rule: { type: 'object', additionalProperties: true },
          regions: { type: 'array', items: object({ region: { type: 'string' }, windows: integerSchema, isolated: integerSchema, wider: integerSchema, maxHubs: integerSchema }) },
          windows: {
            type: 'array',
            items: object({ from: { type: 'string' }, to: { type: 'string' }, region: { type: 'string' }, hubs: integerSchema, alerts: integerSchema, class: { enum: ['isolated', 'wider'] } }),
          },
        }),
        400: errorSchema,
      },
    },
  }, async (req) => {
    const m = deps.metrics;
    const { fromMs, toMs } = parsePeriod(req.query, m.source.calendar, deps.nowMs(), 1);
    const alertCodes = list(req.query.alertCode);
    const regions = list(req.query.region);
    return powerOutageReport(deps.store, m.config.powerOutage, m.source.catalogue, { fromMs, toMs, ...(alertCodes ? { alertCodes } : {}), ...(regions ? { regions } : {}) });
  });
}
