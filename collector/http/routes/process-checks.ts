// MP176 Table 1's per-device business process checks (collector/metrics/process-checks.ts):
// GET /api/v1/processes/install-reads (8.14.1 installs with no meter read within 30 days) and
// GET /api/v1/processes/cos-gain (per Change of Supplier Gain: a read in the 30 days before,
// an install by the old supplier before).
import type { FastifyInstance } from 'fastify';
import type { SequenceGranularity } from '../../metrics/alert-sequences.js';
import type { MetricReader } from '../../metrics/engine.js';
import { cosGainChecks, installReads, processCheckQuery, READ_WINDOW_DAYS, readSrvs, type ProcessCheckQuery } from '../../metrics/process-checks.js';
import type { JourneyRecordStore } from '../../store/ports/journey-records.js';
import { integerSchema, nullableNumberSchema, periodParams, querySchema } from './metric-schemas.js';
import { errorSchema } from './schemas.js';

export interface ProcessCheckRouteDeps {
  readonly store: JourneyRecordStore;
  readonly metrics: MetricReader;
  readonly nowMs: () => number;
}

const EUI64 = '^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){7}$';
const str = { type: 'string' } as const;
const params = querySchema({
  ...periodParams,
  party: { type: 'string', pattern: EUI64, description: 'only the SRs this DCC User sent (the reads and old installs checked may be anyone\'s)' },
  granularity: { enum: ['day', 'month', 'total'], description: 'per local day, month (default) or the whole period' },
});
const envelope = (rowProperties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  200: {
    type: 'object',
    properties: {
      from: str, to: str, timeZone: str, granularity: str, windowDays: integerSchema, readSrvs: { type: 'array', items: str }, ...extra,
      rows: { type: 'array', items: { type: 'object', properties: { period: str, party: str, ...rowProperties } } },
    },
  },
  400: errorSchema,
});

type Query = { month?: string; from?: string; to?: string; party?: string; granularity?: SequenceGranularity };

export function processCheckRoutes(app: FastifyInstance, deps: ProcessCheckRouteDeps): void {
  const m = deps.metrics;
  const head = (q: ProcessCheckQuery) => ({
    from: new Date(q.fromMs).toISOString(), to: new Date(q.toMs).toISOString(), timeZone: m.config.timeZone, granularity: q.granularity,
    windowDays: READ_WINDOW_DAYS, readSrvs: readSrvs(m.source.catalogue),
  });

  // MP176 Table 1, Install and Commission: "No meter read received within 30 days of 8.14.1".
  app.get<{ Querystring: Query }>('/api/v1/processes/install-reads', {
    schema: {
      querystring: params,
      response: envelope(
        { installs: integerSchema, read: integerSchema, noRead: integerSchema, open: integerSchema, noReadPct: nullableNumberSchema },
        { noRead: { type: 'array', items: { type: 'object', properties: { party: str, device: str, at: str } } } },
      ),
    },
  }, async (req) => {
    const q = processCheckQuery(m.source.calendar, req.query, deps.nowMs());
    return { ...head(q), ...installReads(deps.store, m.source, q) };
  });

  // MP176 Table 1, Change of Supplier (Gain): a successful read within 30 days before; 8.14.1 or 8.14.2 sent by the old supplier before.
  app.get<{ Querystring: Query }>('/api/v1/processes/cos-gain', {
    schema: {
      querystring: params,
      response: envelope({
        gains: integerSchema, readBefore: integerSchema, readBeforePct: nullableNumberSchema, oldSupplierInstall: integerSchema, oldSupplierInstallPct: nullableNumberSchema,
      }),
    },
  }, async (req) => {
    const q = processCheckQuery(m.source.calendar, req.query, deps.nowMs());
    return { ...head(q), rows: cosGainChecks(deps.store, m.source, q) };
  });
}
