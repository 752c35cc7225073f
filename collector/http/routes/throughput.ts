// GET /api/v1/throughput: hops and batches received, and requests started per CSP region, in
// steps of 1, 5 or 60 minutes over a period of up to 7 days: what the dashboard's Overview
// draws as hops/s and journeys/s. Hops come from the per-minute counts ingest keeps
// (collector/store/ports/hop-minutes.ts), requests from the per-minute activity availability is
// inferred from (collector/metrics/activity.ts): both are read a minute row at a time, never a
// journey at a time.
import type { FastifyInstance } from 'fastify';
import { CSP_REGIONS } from '../../../proto/hop-context.js';
import type { MetricReader } from '../../metrics/engine.js';
import { bad } from '../../metrics/metric-params.js';
import type { HopMinuteStore } from '../../store/ports/hop-minutes.js';
import { integerSchema, querySchema } from './metric-schemas.js';
import { errorSchema } from './schemas.js';
import { parseTime } from './time-params.js';

export interface ThroughputRouteDeps {
  readonly store: HopMinuteStore;
  readonly metrics: MetricReader;
  readonly nowMs: () => number;
}

type Query = { from?: string; to?: string; stepMinutes?: 1 | 5 | 60 };

const MINUTE_MS = 60_000;
const MAX_SPAN_MS = 7 * 86_400_000;
const str = { type: 'string' } as const;

/** The step a period is drawn in when none is given: about 60 to 300 points. */
const defaultStep = (spanMs: number): 1 | 5 | 60 => (spanMs <= 2 * 3_600_000 ? 1 : spanMs <= 2 * 86_400_000 ? 5 : 60);

function parse(q: Query, nowMs: number): { fromMs: number; toMs: number; stepMs: number } {
  const toMs = q.to !== undefined ? parseTime(q.to, 'to')! / 1000 : nowMs;
  const fromMs = q.from !== undefined ? parseTime(q.from, 'from')! / 1000 : toMs - 86_400_000;
  if (fromMs >= toMs) throw bad(`from ${q.from ?? ''} must be before to ${q.to ?? '(now)'}`);
  if (toMs - fromMs > MAX_SPAN_MS) throw bad(`a throughput period is at most 7 days, not ${((toMs - fromMs) / 86_400_000).toFixed(1)}`);
  const stepMs = (q.stepMinutes ?? defaultStep(toMs - fromMs)) * MINUTE_MS;
  // Whole steps: the first starts at or before `from`, the last ends at or after `to`.
  return { fromMs: Math.floor(fromMs / stepMs) * stepMs, toMs: Math.ceil(toMs / stepMs) * stepMs, stepMs };
}

export function throughputRoutes(app: FastifyInstance, deps: ThroughputRouteDeps): void {
  app.get<{ Querystring: Query }>('/api/v1/throughput', {
    schema: {
      querystring: querySchema({
        from: { type: 'string', description: 'ISO 8601 date or date-time (UTC without an offset); default: a day before to' },
        to: { type: 'string', description: 'exclusive, like from; default: now. At most 7 days after from' },
        stepMinutes: { type: 'integer', enum: [1, 5, 60], description: 'minutes per row; default 1 up to 2 hours, 5 up to 2 days, else 60' },
      }),
      response: {
        200: {
          type: 'object',
          properties: {
            from: str, to: str, stepSeconds: integerSchema, regions: { type: 'array', items: str },
            rows: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  at: { type: 'string', description: 'start of the step (UTC)' },
                  hops: integerSchema, batches: integerSchema,
                  requests: { type: 'object', additionalProperties: { type: 'integer' }, description: 'requests started per CSP region' },
                },
              },
            },
          },
        },
        400: errorSchema,
      },
    },
  }, async (req) => {
    const { fromMs, toMs, stepMs } = parse(req.query, deps.nowMs());
    const rows: { at: string; hops: number; batches: number; requests: Record<string, number> }[] = [];
    for (let at = fromMs; at < toMs; at += stepMs) rows.push({ at: new Date(at).toISOString(), hops: 0, batches: 0, requests: Object.fromEntries(CSP_REGIONS.map((r) => [r, 0])) });
    const rowOf = (ms: number) => rows[Math.floor((ms - fromMs) / stepMs)]!;
    for (const m of deps.store.hopMinutesBetween(fromMs, toMs)) {
      const row = rowOf(m.minuteMs);
      row.hops += m.hops;
      row.batches += m.batches;
    }
    const ports = deps.metrics.source.ports;
    ports.readConsistently(() => {
      for (const region of CSP_REGIONS) for (const m of ports.activity.activityBetween(region, fromMs, toMs)) rowOf(m.minuteMs).requests[region] += m.requests;
    });
    return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), stepSeconds: stepMs / 1000, regions: [...CSP_REGIONS], rows };
  });
}
