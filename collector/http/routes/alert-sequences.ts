// Alert sequences per device (collector/metrics/alert-sequences.ts; MP176 Alert reporting,
// MP122 DF2): GET /api/v1/alerts/credentials (N42 within seven days after N16, per Energy
// Supplier), /api/v1/alerts/outages (Power Outage Alerts without a later Power Restoration
// Alert), /api/v1/alerts/firmware-verification (0x8F72 / 0x8F1C, or neither, after 11.1),
// /api/v1/alerts/failure-links (N12, N13 linked to the SR they fail, and how many could not be).
import type { FastifyInstance } from 'fastify';
import { credentialsAfterIdentity, failureLinks, firmwareVerification, outagesWithoutRestoration, type SequenceGranularity, type SequenceQuery } from '../../metrics/alert-sequences.js';
import { parsePeriod } from '../../metrics/metric-params.js';
import { countsSchema, integerSchema, nullableNumberSchema, nullableStringSchema, periodParams, querySchema } from './metric-schemas.js';
import type { MetricRouteDeps } from './rsvp.js';
import { errorSchema } from './schemas.js';

const EUI64 = '^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){7}$';
const str = { type: 'string' } as const;
const params = querySchema({
  ...periodParams,
  party: { type: 'string', pattern: EUI64, description: 'only this DCC User (alerts addressed to it, SRs it sent)' },
  granularity: { enum: ['day', 'month', 'total'], description: 'per local day, month (default) or the whole period' },
});
const cases = { type: 'array', items: { type: 'object', properties: { party: str, device: str, at: str } } };
const envelope = (rowProperties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  200: {
    type: 'object',
    properties: {
      from: str, to: str, timeZone: str, granularity: str, ...extra,
      rows: { type: 'array', items: { type: 'object', properties: { period: str, party: str, ...rowProperties } } },
    },
  },
  400: errorSchema,
});

type Query = { month?: string; from?: string; to?: string; party?: string; granularity?: SequenceGranularity };

export function alertSequenceRoutes(app: FastifyInstance, deps: MetricRouteDeps): void {
  const m = deps.metrics;
  const parse = (q: Query): SequenceQuery & { head: Record<string, string> } => {
    const nowMs = deps.nowMs();
    const { fromMs, toMs } = parsePeriod(q, m.source.calendar, nowMs, 30);
    const granularity = q.granularity ?? 'month';
    return {
      fromMs, toMs, granularity, nowMs, ...(q.party !== undefined ? { party: q.party.toUpperCase() } : {}),
      head: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), timeZone: m.config.timeZone, granularity },
    };
  };
  const read = <T>(fn: () => T) => m.source.ports.readConsistently(fn);

  // MP176: N42 'Security Credentials Updated on the Device' within seven days after an N16, per Energy Supplier.
  app.get<{ Querystring: Query }>('/api/v1/alerts/credentials', {
    schema: {
      querystring: params,
      response: envelope({
        supplier: nullableStringSchema, identityAlerts: integerSchema, withinSla: integerSchema, missed: integerSchema, open: integerSchema,
        withinSlaPct: nullableNumberSchema, slaSeconds: integerSchema,
      }),
    },
  }, async (req) => {
    const q = parse(req.query);
    return { ...q.head, rows: read(() => credentialsAfterIdentity(m.source, q)) };
  });

  // MP176: Power Outage Alerts with no later Power Restoration Alert, and which.
  app.get<{ Querystring: Query }>('/api/v1/alerts/outages', {
    schema: {
      querystring: params,
      response: envelope({ outages: integerSchema, restored: integerSchema, unrestored: integerSchema, unrestoredPct: nullableNumberSchema }, { unrestored: cases }),
    },
  }, async (req) => {
    const q = parse(req.query);
    return { ...q.head, ...read(() => outagesWithoutRestoration(m.source, q)) };
  });

  // MP122 DF2: image verification success (0x8F72) or failure (0x8F1C) after 11.1, or neither within the 11.1 TRT.
  app.get<{ Querystring: Query }>('/api/v1/alerts/firmware-verification', {
    schema: {
      querystring: params,
      response: envelope({
        firmwareUpdates: integerSchema, verified: integerSchema, rejected: integerSchema, noAlert: integerSchema, open: integerSchema,
        verifiedPct: nullableNumberSchema, rejectedPct: nullableNumberSchema, noAlertPct: nullableNumberSchema,
      }, { noAlert: cases }),
    },
  }, async (req) => {
    const q = parse(req.query);
    return { ...q.head, ...read(() => firmwareVerification(m.source, q)) };
  });

  // MP122 §2.3.2: failure alerts linked to the SR they fail, where the device and time order allow it.
  app.get<{ Querystring: Query }>('/api/v1/alerts/failure-links', {
    schema: {
      querystring: params,
      response: envelope({
        alertCode: str, alerts: integerSchema, linked: integerSchema, unlinked: integerSchema, linkedPct: nullableNumberSchema, linkedBySrv: countsSchema,
      }),
    },
  }, async (req) => {
    const q = parse(req.query);
    return { ...q.head, rows: read(() => failureLinks(m.source, q)) };
  });
}
