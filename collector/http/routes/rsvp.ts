// RSVP routes (collector/metrics/rsvp.ts): per SRV (GET /api/v1/rsvp) or business process
// (GET /api/v1/processes), per hour, day or month, over any slice; and how SRs of shared
// SRVs were attributed to processes (GET /api/v1/processes/attribution).
import type { FastifyInstance } from 'fastify';
import { attributionRows } from '../../metrics/attribution-report.js';
import type { Dimension } from '../../metrics/dimensions.js';
import type { MetricReader } from '../../metrics/engine.js';
import { flagIncidents } from '../../metrics/incident-flags.js';
import { parseMetricQuery, type MetricParams, type ParsedMetricQuery } from '../../metrics/metric-params.js';
import { precisionOf, type Period } from '../../metrics/rollup-query.js';
import { rsvpRows } from '../../metrics/rsvp.js';
import { errorSchema } from './schemas.js';
import { integerSchema, nullableStringSchema, querySchema, reportParams, reportSchema, rsvpRowSchema } from './metric-schemas.js';

export interface MetricRouteDeps {
  readonly metrics: MetricReader;
  readonly nowMs: () => number;
}

/** What a report answers with before its rows: the period and the choices that shaped it. */
export function envelope(m: MetricReader, q: ParsedMetricQuery): Record<string, unknown> {
  return {
    from: new Date(q.fromMs).toISOString(), to: new Date(q.toMs).toISOString(), timeZone: m.config.timeZone,
    granularity: q.period, by: q.by, precision: precisionOf(m.source),
  };
}

export function parseReport(deps: MetricRouteDeps, query: MetricParams, defaults: { days: number; granularity: Period; by: readonly Dimension[] }): ParsedMetricQuery {
  return parseMetricQuery(query, deps.metrics.source, deps.nowMs(), defaults);
}

export function rsvpRoutes(app: FastifyInstance, deps: MetricRouteDeps): void {
  const m = deps.metrics;
  const schema = { querystring: querySchema(reportParams), response: { 200: reportSchema(rsvpRowSchema), 400: errorSchema } };

  // RSVP per SRV (MP122 Table 3): by default per day over the last 7 days; month=YYYY-MM for a calendar month.
  app.get<{ Querystring: MetricParams }>('/api/v1/rsvp', { schema }, async (req) => {
    const q = parseReport(deps, req.query, { days: 7, granularity: 'day', by: ['srv'] });
    return { ...envelope(m, q), rows: rsvpRows(m.source, q) };
  });

  // RSVP per business process (MP176 Table 1), SRs of shared SRVs attributed one by one; day rows flag Category 1 and 2 incidents.
  app.get<{ Querystring: MetricParams }>('/api/v1/processes', { schema }, async (req) => {
    const q = parseReport(deps, req.query, { days: 7, granularity: 'day', by: ['process'] });
    return { ...envelope(m, q), rows: flagIncidents(rsvpRows(m.source, q), m.log, m.source.calendar, q.fromMs, q.toMs) };
  });

  const attributionRow = {
    type: 'object',
    properties: { period: { type: 'string' }, srv: { type: 'string' }, rule: { type: 'string' }, process: nullableStringSchema, requests: integerSchema, sharePct: { type: 'number' } },
  };
  const ruleSchema = { type: 'object', properties: { id: { type: 'string' }, after: { type: 'string' }, process: { type: 'string' }, source: { type: 'string' } } };
  // How SRs of SRVs several processes share were attributed, per rule (MP122 §3.2.1).
  app.get<{ Querystring: MetricParams }>('/api/v1/processes/attribution', {
    schema: {
      querystring: querySchema(reportParams),
      response: { 200: reportSchema(attributionRow, { windowHours: { type: 'number' }, rules: { type: 'array', items: ruleSchema } }), 400: errorSchema },
    },
  }, async (req) => {
    const q = parseReport(deps, req.query, { days: 7, granularity: 'day', by: ['srv'] });
    const a = m.source.catalogue.data.attribution;
    return { ...envelope(m, q), by: ['srv', 'rule'], windowHours: a.windowHours, rules: a.rules, rows: attributionRows(m.source, q) };
  });
}
