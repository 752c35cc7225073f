// GET /api/v1/peers: a party's figures beside anonymised peers in its User Role and the
// industry (collector/metrics/peers.ts). Peers are never named.
import type { FastifyInstance } from 'fastify';
import { bad, parseMetricQuery, type MetricParams } from '../../metrics/metric-params.js';
import { peerReport } from '../../metrics/peers.js';
import { integerSchema, nullableNumberSchema, nullableStringSchema, querySchema, reportParams } from './metric-schemas.js';
import type { MetricRouteDeps } from './rsvp.js';
import { errorSchema } from './schemas.js';

const EUI64 = '^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){7}$';

const figures = {
  type: 'object',
  properties: {
    series: { type: 'string' }, volume: { type: ['integer', 'null'] }, successRatePct: nullableNumberSchema, failureRatePct: nullableNumberSchema,
    rttBestUs: nullableNumberSchema, rttWorstUs: nullableNumberSchema, rttMeanUs: nullableNumberSchema, rttMedianUs: nullableNumberSchema,
  },
};

export function peerRoutes(app: FastifyInstance, deps: MetricRouteDeps): void {
  const m = deps.metrics;
  const params = Object.fromEntries(Object.entries(reportParams).filter(([k]) => !['by', 'party', 'userRole'].includes(k)));
  // A party against anonymised peers in the same User Role ("Peer 1..n") and the industry, per SRV or process (MP176).
  app.get<{ Querystring: MetricParams & { party: string; userRole?: string; by?: string } }>('/api/v1/peers', {
    schema: {
      querystring: querySchema({
        ...params, party: { type: 'string', pattern: EUI64 }, userRole: { type: 'string', minLength: 1, maxLength: 64 }, by: { enum: ['srv', 'process'] },
      }, ['party']),
      response: {
        200: {
          type: 'object',
          properties: {
            from: { type: 'string' }, to: { type: 'string' }, timeZone: { type: 'string' }, granularity: { type: 'string' }, by: { type: 'string' },
            party: { type: 'string' }, userRole: { type: 'string' }, peers: integerSchema, withheld: { type: 'boolean' },
            rows: {
              type: 'array',
              // Each row carries its own withheld flag (collector/metrics/peers.ts); the serializer drops what is not listed.
              items: { type: 'object', properties: { period: { type: 'string' }, scope: nullableStringSchema, withheld: { type: 'boolean' }, series: { type: 'array', items: figures } } },
            },
          },
        },
        400: errorSchema,
      },
    },
  }, async (req) => {
    const { party, userRole, by, ...rest } = req.query;
    const q = parseMetricQuery(rest, m.source, deps.nowMs(), { days: 30, granularity: 'total', by: [] });
    if (q.filters.party || q.filters.userRole) throw bad('party and userRole select the report, they are not filters here');
    const report = peerReport(m.source, {
      party: party.toUpperCase(), ...(userRole !== undefined ? { userRole } : {}), fromMs: q.fromMs, toMs: q.toMs,
      period: q.period, by: by === 'process' ? 'process' : 'srv', filters: q.filters,
    }, m.config.peers.minPeers);
    return { from: new Date(q.fromMs).toISOString(), to: new Date(q.toMs).toISOString(), timeZone: m.config.timeZone, granularity: q.period, by: by ?? 'srv', ...report };
  });
}
