// GET /api/v1/inventory: a party's estate at the end of a month, per device type, model and
// firmware version, with firmware shares per model against anonymised peers and the industry;
// GET /api/v1/inventory/devices: the estate as a data file, one row per device
// (collector/metrics/inventory.ts; MP176 "Inventory reporting"). Both as JSON or CSV, the
// inventory also as PDF with bar graphs.
import type { FastifyInstance } from 'fastify';
import { estateDevices, inventory } from '../../metrics/inventory.js';
import { MONTH_PATTERN } from '../../metrics/metric-params.js';
import { toCsv } from '../../reports/csv.js';
import { renderInventoryPdf } from '../../reports/inventory-pdf.js';
import { flatRows, inventoryTable } from '../../reports/report-tables.js';
import { integerSchema, nullableNumberSchema, nullableStringSchema, querySchema } from './metric-schemas.js';
import type { MetricRouteDeps } from './rsvp.js';
import { errorSchema } from './schemas.js';

const EUI64 = '^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){7}$';
const str = { type: 'string' } as const;
const params = {
  party: { type: 'string', pattern: EUI64, description: 'the party (DCC User EUI-64) whose estate it is' },
  month: { type: 'string', pattern: MONTH_PATTERN, description: 'the estate at the end of this calendar month (reporting time zone), YYYY-MM' },
  format: { enum: ['json', 'csv'], description: 'json (default) or csv' },
};
const inventoryFormat = { enum: ['json', 'csv', 'pdf'], description: 'json (default), csv, or pdf (tables and bar graphs)' };
const csv = { 'text/csv': { schema: { type: 'string' } } };
const pdf = { 'application/pdf': { schema: { type: 'string', format: 'binary' } } };

const inventorySchema = {
  type: 'object',
  properties: {
    timeZone: str, party: str, month: str, userRole: nullableStringSchema, devices: integerSchema, peers: integerSchema,
    deviceTypes: { type: 'array', items: { type: 'object', properties: { deviceType: str, devices: integerSchema, models: integerSchema, firmwareVersions: integerSchema } } },
    models: { type: 'array', items: { type: 'object', properties: { deviceType: str, deviceModel: str, firmwareVersion: str, devices: integerSchema } } },
    firmwareShares: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          deviceType: str, deviceModel: str, firmwareVersion: str, withheld: { type: 'boolean' },
          series: { type: 'array', items: { type: 'object', properties: { series: str, devices: { type: ['integer', 'null'] }, sharePct: nullableNumberSchema } } },
        },
      },
    },
  },
};

const devicesSchema = {
  type: 'object',
  properties: {
    timeZone: str, party: str, month: str,
    devices: {
      type: 'array',
      items: { type: 'object', properties: { device: str, deviceType: str, deviceModel: str, firmwareVersion: str, smets: str, region: str, userRole: str, lastSeen: str } },
    },
  },
};

type Query = { party: string; month: string; format?: 'json' | 'csv' | 'pdf' };

export function inventoryRoutes(app: FastifyInstance, deps: MetricRouteDeps): void {
  const m = deps.metrics;
  const estateAt = (month: string, party?: string) => m.source.ports.readConsistently(() => m.source.ports.estate.estateAt(month, party));

  app.get<{ Querystring: Query & { userRole?: string } }>('/api/v1/inventory', {
    schema: {
      querystring: querySchema({
        ...params, format: inventoryFormat, userRole: { type: 'string', minLength: 1, maxLength: 64, description: 'the User Role whose parties are the peers, when the party acts in several' },
      }, ['party', 'month']),
      response: { 200: { content: { 'application/json': { schema: inventorySchema }, ...csv, ...pdf } }, 400: errorSchema },
    },
  }, async (req, reply) => {
    const { party, month, userRole, format } = req.query;
    const report = inventory(estateAt(month), { party: party.toUpperCase(), month, ...(userRole !== undefined ? { userRole } : {}) }, m.config.peers.minPeers);
    if (format === 'csv') return reply.type('text/csv').send(toCsv(inventoryTable(report)));
    if (format === 'pdf') return reply.type('application/pdf').send(await renderInventoryPdf(report, { timeZone: m.config.timeZone, nowMs: deps.nowMs() }));
    return { timeZone: m.config.timeZone, ...report };
  });

  app.get<{ Querystring: Query }>('/api/v1/inventory/devices', {
    schema: {
      querystring: querySchema(params, ['party', 'month']),
      response: { 200: { content: { 'application/json': { schema: devicesSchema }, ...csv } }, 400: errorSchema },
    },
  }, async (req, reply) => {
    const { party, month, format } = req.query;
    const devices = estateDevices(estateAt(month, party.toUpperCase()));
    if (format === 'csv') return reply.type('text/csv').send(toCsv(flatRows(devices)));
    return { timeZone: m.config.timeZone, party: party.toUpperCase(), month, devices };
  });
}
