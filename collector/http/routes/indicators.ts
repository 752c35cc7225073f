// Process indicators (MP122 §2.4): installs (IC1), top-ups (PP1), Change of Supplier (CoS1),
// and alert delivery (A1).
import type { FastifyInstance } from 'fastify';
import { alertRows } from '../../metrics/alerts.js';
import { cosRows } from '../../metrics/change-of-supplier.js';
import { installRows } from '../../metrics/installs.js';
import type { MetricParams } from '../../metrics/metric-params.js';
import { topUpRows } from '../../metrics/top-ups.js';
import { countsSchema, dimensionFields, integerSchema, nullableNumberSchema, nullableStringSchema, querySchema, reportParams, reportSchema, summarySchema } from './metric-schemas.js';
import { envelope, parseReport, type MetricRouteDeps } from './rsvp.js';
import { errorSchema } from './schemas.js';

const nullableCounts = { type: ['object', 'null'], additionalProperties: { type: 'integer' } };

export function indicatorRoutes(app: FastifyInstance, deps: MetricRouteDeps): void {
  const m = deps.metrics;
  const route = (path: string, row: object, handler: (query: MetricParams) => unknown) =>
    app.get<{ Querystring: MetricParams }>(path, {
      schema: { querystring: querySchema(reportParams), response: { 200: reportSchema(row), 400: errorSchema } },
    }, async (req) => handler(req.query));

  // Install and Commission (8.14.1) vs Install and Leave (8.14.2) per day, installs against a prediction (MP122 IC1).
  route('/api/v1/indicators/installs', {
    type: 'object',
    properties: {
      date: { type: 'string' }, installCommission: integerSchema, installCommissionSuccesses: integerSchema, installLeave: integerSchema,
      installLeaveSuccesses: integerSchema, installs: integerSchema, predictedInstalls: nullableNumberSchema, deviationPct: nullableNumberSchema,
    },
  }, (query) => {
    const q = parseReport(deps, query, { days: 28, granularity: 'day', by: [] });
    const rows = installRows(m.source, q, m.config.installPredictionWeeks);
    return { ...envelope(m, q), granularity: 'day', by: [], predictionWeeks: m.config.installPredictionWeeks, rows };
  });

  // Top-up (2.2) success at the first and second attempt, reasons where failures exceed 5 % (MP122 PP1).
  route('/api/v1/indicators/top-ups', {
    type: 'object',
    properties: {
      period: { type: 'string' }, attempt: { type: 'string' }, ...dimensionFields, attempts: integerSchema, successes: integerSchema,
      successRatePct: nullableNumberSchema, failures: integerSchema, failureRatePct: nullableNumberSchema, failureReasons: nullableCounts,
    },
  }, (query) => {
    const q = parseReport(deps, query, { days: 7, granularity: 'day', by: [] });
    return { ...envelope(m, q), rows: topUpRows(m.source, q) };
  });

  // Change of Supplier (6.23) success, later SRs from the gaining supplier counting (MP122 CoS1).
  route('/api/v1/indicators/change-of-supplier', {
    type: 'object',
    properties: {
      period: { type: 'string' }, ...dimensionFields, requests: integerSchema, reportedSuccesses: integerSchema, reportedFailures: integerSchema,
      rescued: integerSchema, successes: integerSchema, successRatePct: nullableNumberSchema, reportedSuccessRatePct: nullableNumberSchema, failuresByReason: countsSchema,
    },
  }, (query) => {
    const q = parseReport(deps, query, { days: 7, granularity: 'day', by: [] });
    return { ...envelope(m, q), rescueWindowDays: m.config.cosRescueWindowDays, rows: cosRows(m.source, q) };
  });

  // Alert delivery time from device or CH to the User, % within the 60 s SLA, per alert code (MP122 A1).
  route('/api/v1/alerts', {
    type: 'object',
    properties: {
      period: { type: 'string' }, alertCode: nullableStringSchema, ...dimensionFields, alerts: integerSchema, delivered: integerSchema, undelivered: integerSchema,
      slaSeconds: { type: 'number' }, measured: integerSchema, withinSla: integerSchema, withinSlaPct: nullableNumberSchema, deliveryUs: summarySchema, failuresByReason: countsSchema,
    },
  }, (query) => {
    const q = parseReport(deps, query, { days: 7, granularity: 'day', by: [] });
    return { ...envelope(m, q), rows: alertRows(m.source, q) };
  });
}
