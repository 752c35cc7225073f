// GET /api/v1/availability/power-outages: Power Outage Alerts clustered into windows per CSP
// region, isolated events apart from wider outages (collector/metrics/power-outages.ts).
import type { FastifyInstance } from 'fastify';
import { CSP_REGIONS, SRV_PATTERN } from '../../../proto/hop-context.js';
import type { MetricReader } from '../../metrics/engine.js';
import { bad, parsePeriod, type MetricParams } from '../../metrics/metric-params.js';
import { clusterPowerOutages } from '../../metrics/power-outages.js';
import { sequenceCodes } from '../../metrics/sequence-codes.js';
import type { FigureRow, JourneyRecordStore } from '../../store/ports/journey-records.js';
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
    const configured = m.config.powerOutage;
    // With none configured, the catalogue's codes of reason power-outage (as the alert sequences take them).
    const codes = list(req.query.alertCode) ?? (configured.alertCodes.length > 0 ? configured.alertCodes : sequenceCodes(m.source.catalogue).outage);
    if (codes.length === 0) throw bad('no Power Outage Alert codes: set metrics.powerOutage.alertCodes, give alertCode=, or give an alert code the reason power-outage in the catalogue');
    for (const c of codes) if (!SRV_PATTERN.test(c)) throw bad(`alertCode ${JSON.stringify(c)} is not an alert code`);
    const regions = list(req.query.region);
    for (const r of regions ?? []) if (!(CSP_REGIONS as readonly string[]).includes(r)) throw bad(`region ${JSON.stringify(r)} is not one of ${CSP_REGIONS.join(', ')}`);
    const alerts = function* (): Generator<FigureRow> {
      for (const srv of codes) {
        for (const row of deps.store.scanFigures({ srv, fromUs: fromMs * 1000, toUs: toMs * 1000 })) {
          if (regions === undefined || regions.includes(row.context.cspRegion ?? '')) yield row;
        }
      }
    };
    const rule = { ...configured, alertCodes: codes };
    return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), rule, ...clusterPowerOutages(alerts(), rule) };
  });
}
