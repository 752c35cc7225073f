// GET /api/v1/alerting/rules (each rule and the state of its series) and
// GET /api/v1/alerting/events (state changes, newest first) (collector/alerting).
import type { FastifyInstance } from 'fastify';
import type { Alerting } from '../../alerting/alerting.js';
import type { Series } from '../../alerting/alert-states.js';
import { integerSchema, nullableNumberSchema, nullableStringSchema } from './metric-schemas.js';
import { errorSchema } from './schemas.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const labels = { type: 'object', additionalProperties: { type: 'string' } };
const seriesSchema = {
  type: 'object',
  properties: { labels, state: { type: 'string' }, since: { type: 'string' }, startsAt: nullableStringSchema, endsAt: nullableStringSchema, value: nullableNumberSchema },
};
const seriesView = (s: Series) => ({ labels: s.labels, state: s.state, since: iso(s.sinceMs), startsAt: iso(s.startsAtMs), endsAt: iso(s.endsAtMs), value: s.value });

export function alertingRoutes(app: FastifyInstance, alerting: Alerting | undefined): void {
  app.get('/api/v1/alerting/rules', {
    schema: {
      response: {
        200: {
          type: 'object',
          properties: {
            firing: integerSchema,
            rules: {
              type: 'array',
              items: {
                type: 'object',
                properties: { rule: { type: 'object', additionalProperties: true }, state: { type: 'string', description: 'firing if any series fires, else pending if any is pending, else inactive' }, series: { type: 'array', items: seriesSchema } },
              },
            },
          },
        },
      },
    },
  }, async () => {
    const rules = (alerting?.rules() ?? []).map((r) => {
      const states = new Set(r.series.map((s) => s.state));
      return { rule: r.rule, state: states.has('firing') ? 'firing' : states.has('pending') ? 'pending' : 'inactive', series: r.series.map(seriesView) };
    });
    return { firing: alerting?.counters.firing ?? 0, rules };
  });

  app.get<{ Querystring: { limit: number } }>('/api/v1/alerting/events', {
    schema: {
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            events: {
              type: 'array',
              items: {
                type: 'object',
                properties: { id: integerSchema, at: { type: 'string' }, rule: { type: 'string' }, labels, from: nullableStringSchema, to: { type: 'string' }, value: nullableNumberSchema },
              },
            },
          },
        },
        400: errorSchema,
      },
    },
  }, async (req) => ({ events: (alerting?.events(req.query.limit) ?? []).map((e) => ({ ...e, at: iso(e.atMs) })) }));
}
