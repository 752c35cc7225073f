// Availability by CSP region (MP122 Requirement 3) and what operators declare for it:
// planned maintenance (excluded) and incidents (reliability: MTTR, MTBF per month).
import type { FastifyInstance } from 'fastify';
import { availabilityByRegion } from '../../metrics/availability-report.js';
import { bad, parsePeriod, type MetricParams } from '../../metrics/metric-params.js';
import type { Incident, NewIncident } from '../../store/ports/operations-log.js';
import { reliability } from '../../metrics/reliability.js';
import { CSP_REGIONS } from '../../../proto/hop-context.js';
import { integerSchema, nullableNumberSchema, nullableStringSchema, periodParams, querySchema } from './metric-schemas.js';
import type { MetricRouteDeps } from './rsvp.js';
import { errorSchema } from './schemas.js';

const region = { enum: [...CSP_REGIONS] };
const downtime = {
  minutes: integerSchema, upMinutes: integerSchema, downMinutes: integerSchema, unknownMinutes: integerSchema, maintenanceMinutes: integerSchema,
  availabilityPct: nullableNumberSchema, observedPct: nullableNumberSchema, downtimeHours: { type: 'number' },
};
const object = (properties: Record<string, unknown>) => ({ type: 'object', properties });
const regionSchema = object({
  region: { type: 'string' }, probes: { type: 'array', items: { type: 'string' } }, ...downtime,
  bands: { type: 'array', items: object({ band: { type: 'string' }, label: { type: 'string' }, ...downtime }) },
  days: { type: 'array', items: object({ date: { type: 'string' }, ...downtime }) },
  outages: { type: 'array', items: object({ from: { type: 'string' }, to: { type: 'string' }, minutes: integerSchema }) },
});
const maintenanceSchema = object({ id: integerSchema, region: nullableStringSchema, from: { type: 'string' }, to: { type: 'string' }, description: { type: 'string' } });
const incidentSchema = object({
  id: integerSchema, category: integerSchema, region: nullableStringSchema, service: { type: 'string' },
  startedAt: { type: 'string' }, resolvedAt: nullableStringSchema, description: { type: 'string' },
});
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const incidentOut = (i: Incident) => ({ ...i, startedAt: iso(i.startedMs), resolvedAt: iso(i.resolvedMs) });
const dateTime = { type: 'string', format: 'date-time' };

function instant(value: string, name: string): number {
  const ms = Date.parse(value);
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(ms)) throw bad(`${name} ${JSON.stringify(value)} is not a date-time with an offset`);
  return ms;
}

export function availabilityRoutes(app: FastifyInstance, deps: MetricRouteDeps): void {
  const m = deps.metrics;
  const period = (q: MetricParams) => parsePeriod(q, m.source.calendar, deps.nowMs(), 7);

  // Availability % = uptime / (uptime + unplanned downtime) per CSP region, by time-of-day band and day, with outages.
  app.get<{ Querystring: MetricParams & { region?: string } }>('/api/v1/availability', {
    schema: {
      querystring: querySchema({ ...periodParams, region: { type: 'string' } }),
      response: { 200: object({ from: { type: 'string' }, to: { type: 'string' }, timeZone: { type: 'string' }, rule: { type: 'object', additionalProperties: true }, regions: { type: 'array', items: regionSchema } }), 400: errorSchema },
    },
  }, async (req) => {
    const p = period(req.query);
    const regions = req.query.region?.split(',') ?? m.source.catalogue.data.cspRegions.map((r) => r.id);
    for (const r of regions) if (!CSP_REGIONS.includes(r as (typeof CSP_REGIONS)[number])) throw bad(`region ${JSON.stringify(r)} is not one of ${CSP_REGIONS.join(', ')}`);
    const rule = m.config.availability;
    return {
      from: new Date(p.fromMs).toISOString(), to: new Date(p.toMs).toISOString(), timeZone: m.config.timeZone, rule,
      regions: availabilityByRegion(m.source, m.log, { ...p, regions }, rule),
    };
  });

  app.get<{ Querystring: MetricParams }>('/api/v1/maintenance', {
    schema: { querystring: querySchema(periodParams), response: { 200: object({ maintenance: { type: 'array', items: maintenanceSchema } }), 400: errorSchema } },
  }, async (req) => {
    const p = period(req.query);
    return { maintenance: m.log.maintenance(p.fromMs, p.toMs).map((w) => ({ ...w, from: iso(w.fromMs), to: iso(w.toMs) })) };
  });

  // Declares planned maintenance (SEC H8.4): its minutes are excluded from availability.
  app.post<{ Body: { region?: string; from: string; to: string; description: string } }>('/api/v1/maintenance', {
    schema: {
      body: { type: 'object', additionalProperties: false, required: ['from', 'to', 'description'], properties: { region, from: dateTime, to: dateTime, description: { type: 'string', minLength: 1, maxLength: 1000 } } },
      response: { 201: maintenanceSchema, 400: errorSchema },
    },
  }, async (req, reply) => {
    const fromMs = instant(req.body.from, 'from');
    const toMs = instant(req.body.to, 'to');
    if (toMs <= fromMs) throw bad('to must be after from');
    const w = m.log.addMaintenance({ region: req.body.region ?? null, fromMs, toMs, description: req.body.description });
    return reply.code(201).send({ ...w, from: iso(w.fromMs), to: iso(w.toMs) });
  });

  app.delete<{ Params: { id: number } }>('/api/v1/maintenance/:id', {
    schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } }, response: { 204: { type: 'null' }, 404: errorSchema } },
  }, async (req, reply) => (m.log.removeMaintenance(req.params.id)
    ? reply.code(204).send()
    : reply.code(404).send({ error: 'HW_COLLECTOR_NOT_FOUND', message: `no maintenance window ${req.params.id}` })));

  const incidentBody = {
    category: { type: 'integer', minimum: 1, maximum: 5 }, region, service: { type: 'string', minLength: 1, maxLength: 200 },
    startedAt: dateTime, resolvedAt: { type: ['string', 'null'], format: 'date-time' }, description: { type: 'string', maxLength: 2000 },
  };
  type IncidentBody = { category?: number; region?: string; service?: string; startedAt?: string; resolvedAt?: string | null; description?: string };
  const incidentFields = (b: IncidentBody): Partial<NewIncident> => ({
    ...(b.category !== undefined ? { category: b.category } : {}),
    ...(b.region !== undefined ? { region: b.region } : {}),
    ...(b.service !== undefined ? { service: b.service } : {}),
    ...(b.startedAt !== undefined ? { startedMs: instant(b.startedAt, 'startedAt') } : {}),
    ...(b.resolvedAt !== undefined ? { resolvedMs: b.resolvedAt === null ? null : instant(b.resolvedAt, 'resolvedAt') } : {}),
    ...(b.description !== undefined ? { description: b.description } : {}),
  });
  const checkOrder = (i: { startedMs: number; resolvedMs: number | null }) => {
    if (i.resolvedMs !== null && i.resolvedMs < i.startedMs) throw bad('resolvedAt must not be before startedAt');
  };

  app.get<{ Querystring: MetricParams }>('/api/v1/incidents', {
    schema: { querystring: querySchema(periodParams), response: { 200: object({ incidents: { type: 'array', items: incidentSchema } }), 400: errorSchema } },
  }, async (req) => {
    const p = period(req.query);
    return { incidents: m.log.incidents(p.fromMs, p.toMs).map(incidentOut) };
  });

  // Records an incident, category 1 (most severe) to 5.
  app.post<{ Body: IncidentBody }>('/api/v1/incidents', {
    schema: {
      body: { type: 'object', additionalProperties: false, required: ['category', 'service', 'startedAt'], properties: incidentBody },
      response: { 201: incidentSchema, 400: errorSchema },
    },
  }, async (req, reply) => {
    const f = incidentFields(req.body);
    const i = { category: f.category!, region: f.region ?? null, service: f.service!, startedMs: f.startedMs!, resolvedMs: f.resolvedMs ?? null, description: f.description ?? '' };
    checkOrder(i);
    return reply.code(201).send(incidentOut(m.log.addIncident(i)));
  });

  // Changes an incident, e.g. sets resolvedAt when it is resolved.
  app.patch<{ Params: { id: number }; Body: IncidentBody }>('/api/v1/incidents/:id', {
    schema: {
      params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } },
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: incidentBody },
      response: { 200: incidentSchema, 400: errorSchema, 404: errorSchema },
    },
  }, async (req, reply) => {
    const current = m.log.incident(req.params.id);
    if (!current) return reply.code(404).send({ error: 'HW_COLLECTOR_NOT_FOUND', message: `no incident ${req.params.id}` });
    const change = incidentFields(req.body);
    checkOrder({ ...current, ...change });
    return incidentOut(m.log.updateIncident(req.params.id, change)!);
  });

  // Incidents per category, MTTR and MTBF for a period (MP122 Requirements 3 and 5).
  app.get<{ Querystring: MetricParams & { region?: string } }>('/api/v1/reliability', {
    schema: {
      querystring: querySchema({ ...periodParams, region }),
      response: {
        200: object({
          from: { type: 'string' }, to: { type: 'string' }, region: nullableStringSchema, opened: integerSchema, resolved: integerSchema,
          categories: { type: 'array', items: object({ category: integerSchema, opened: integerSchema, resolved: integerSchema, mttrHours: nullableNumberSchema }) },
          mttrHours: nullableNumberSchema, operatingHours: { type: 'number' }, mtbfHours: nullableNumberSchema,
        }),
        400: errorSchema,
      },
    },
  }, async (req) => reliability(m.log, { ...period(req.query), ...(req.query.region !== undefined ? { region: req.query.region } : {}) }));
}
