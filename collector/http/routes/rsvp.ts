// GET /api/v1/rsvp: per SRV and day, volume, payload and speed (see collector/metrics/rsvp.ts).
import type { FastifyInstance } from 'fastify';
import { CSP_REGIONS } from '../../../proto/hop-context.js';
import { HopwatchError } from '../../../common/error-codes.js';
import type { Catalogue } from '../../metrics/catalogue.js';
import { rsvpByDay } from '../../metrics/rsvp.js';
import type { Store } from '../../store/store.js';
import { errorSchema, summarySchema } from './schemas.js';
import { parseTime } from './time-params.js';

const DAY_US = 86_400_000_000;

export function rsvpRoutes(app: FastifyInstance, store: Store, catalogue: Catalogue): void {
  app.get<{ Querystring: { from?: string; to?: string; srv?: string; region?: string } }>('/api/v1/rsvp', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          from: { type: 'string', description: 'ISO 8601 date or date-time; default: 7 days before `to`' },
          to: { type: 'string', description: 'exclusive; default: now' },
          srv: { type: 'string', pattern: '^[0-9A-Za-z.]{1,16}$' },
          region: { enum: [...CSP_REGIONS] },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            from: { type: 'string' },
            to: { type: 'string' },
            rows: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  srv: { type: ['string', 'null'] }, day: { type: 'string' }, volume: { type: 'integer' },
                  successes: { type: 'integer' }, failures: { type: 'integer' },
                  failuresByReason: { type: 'object', additionalProperties: { type: 'integer' } },
                  rttUs: summarySchema, dccUs: summarySchema,
                  trtSeconds: { type: ['number', 'null'] }, withinTrtPct: { type: ['number', 'null'] },
                },
              },
            },
          },
        },
        400: errorSchema,
      },
    },
  }, async (req) => {
    const toUs = parseTime(req.query.to, 'to') ?? Date.now() * 1000;
    const fromUs = parseTime(req.query.from, 'from') ?? toUs - 7 * DAY_US;
    if (fromUs >= toUs) throw new HopwatchError('HW_COLLECTOR_BAD_QUERY', `from ${req.query.from ?? ''} must be before to ${req.query.to ?? 'now'}`);
    const rows = rsvpByDay(store, catalogue, {
      fromUs, toUs,
      ...(req.query.srv !== undefined ? { srv: req.query.srv } : {}),
      ...(req.query.region !== undefined ? { cspRegion: req.query.region } : {}),
    });
    return { from: new Date(fromUs / 1000).toISOString(), to: new Date(toUs / 1000).toISOString(), rows };
  });
}
