// GET /api/v1/compare (JSON) and /api/v1/compare.csv: two Communications Hub firmware
// versions, device firmware versions or device models compared on the same traffic
// (collector/analysis/compare.ts).
import type { FastifyInstance } from 'fastify';
import { COMPARE_DIMENSIONS, type CompareDimension } from '../../analysis/compare.js';
import type { MetricReader } from '../../metrics/engine.js';
import type { MetricParams } from '../../metrics/metric-params.js';
import { comparisonTable, runComparison } from '../../reports/compare-report.js';
import { renderComparePdf } from '../../reports/compare-pdf.js';
import { toCsv } from '../../reports/csv.js';
import type { JourneyRecordStore } from '../../store/ports/journey-records.js';
import { integerSchema, nullableNumberSchema, nullableStringSchema, periodParams, querySchema, sliceParams } from './metric-schemas.js';
import { errorSchema } from './schemas.js';

export interface CompareRouteDeps {
  readonly store: JourneyRecordStore;
  readonly metrics: MetricReader;
  readonly nowMs: () => number;
}

type CompareParams = MetricParams & { dimension: CompareDimension; a: string; b: string; figure?: string };

const label = { type: 'string', minLength: 1, maxLength: 64 };
const params = {
  ...periodParams,
  ...sliceParams,
  dimension: { enum: [...COMPARE_DIMENSIONS], description: 'what a and b are values of' },
  a: { ...label, description: 'the baseline (e.g. the old firmware)' },
  b: { ...label, description: 'the candidate; every difference is b − a' },
  figure: { type: 'string', maxLength: 40, description: 'rttUs (default), dccUs, hanUs, chResidenceUs, cspRoundTripUs, ackUs, alertDeliveryUs, or a segment FROM-TO such as CSP_OUT-CH_IN' },
};
const side = {
  type: 'object',
  properties: {
    value: { type: 'string' }, volume: integerSchema, successes: integerSchema, successRatePct: nullableNumberSchema,
    measured: integerSchema, medianUs: nullableNumberSchema, p95Us: nullableNumberSchema,
  },
};
const interval = (field: string, extra: Record<string, unknown> = {}) => ({ type: ['object', 'null'], properties: { [field]: { type: 'number' }, lower: nullableNumberSchema, upper: nullableNumberSchema, ...extra } });
const rowSchema = {
  type: 'object',
  properties: {
    srv: nullableStringSchema, a: side, b: side, medianDifferenceUs: nullableNumberSchema,
    shiftUs: interval('estimate', { thinned: { type: 'boolean', description: 'computed on 100,000 evenly spaced order statistics of a larger side' } }), successRateDifferencePct: interval('difference'),
    verdict: { type: 'string' }, successVerdict: { type: 'string' },
  },
};

export function compareRoutes(app: FastifyInstance, deps: CompareRouteDeps): void {
  const run = (q: CompareParams) => runComparison(deps.store, deps.metrics, q, deps.nowMs());

  // Per SRV and pooled: counts, medians, p95, the Hodges–Lehmann shift b − a and the success-rate difference, each with a 95 % interval.
  app.get<{ Querystring: CompareParams }>('/api/v1/compare', {
    schema: {
      querystring: querySchema(params, ['dimension', 'a', 'b']),
      response: {
        200: {
          type: 'object',
          properties: {
            from: { type: 'string' }, to: { type: 'string' }, dimension: { type: 'string' }, a: { type: 'string' }, b: { type: 'string' }, figure: { type: 'string' },
            rows: { type: 'array', items: rowSchema },
          },
        },
        400: errorSchema,
      },
    },
  }, async (req) => run(req.query));

  // The same rows as CSV (RFC 4180), nested fields as dotted columns (a.medianUs, shiftUs.lower).
  app.get<{ Querystring: CompareParams }>('/api/v1/compare.csv', {
    schema: { querystring: querySchema(params, ['dimension', 'a', 'b']), response: { 200: { content: { 'text/csv': { schema: { type: 'string' } } } }, 400: errorSchema } },
  }, async (req, reply) => {
    return reply.type('text/csv; charset=utf-8').send(toCsv(comparisonTable(run(req.query))));
  });

  // The same comparison as PDF: the verdicts, a chart of medians per SRV, the table.
  app.get<{ Querystring: CompareParams }>('/api/v1/compare.pdf', {
    schema: { querystring: querySchema(params, ['dimension', 'a', 'b']), response: { 200: { content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } }, 400: errorSchema } },
  }, async (req, reply) => {
    const nowMs = deps.nowMs();
    const pdf = await renderComparePdf(runComparison(deps.store, deps.metrics, req.query, nowMs), { timeZone: deps.metrics.config.timeZone, nowMs });
    return reply.type('application/pdf').send(pdf);
  });
}
