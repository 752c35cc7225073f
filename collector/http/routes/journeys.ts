// GET /api/v1/journeys (newest first, filtered) and GET /api/v1/journeys/:key.
import type { FastifyInstance } from 'fastify';
import { CSP_REGIONS, SRV_PATTERN } from '../../../proto/hop-context.js';
import { hopPointName } from '../../../proto/hop-point.js';
import type { Store, StoredJourney } from '../../store/store.js';
import { journeyVisibleTo } from '../access.js';
import { partyScope } from '../access-control.js';
import { errorSchema, journeySchema, KEY_PATTERN } from './schemas.js';
import { parseTime } from './time-params.js';

interface ListQuery {
  srv?: string;
  from?: string;
  to?: string;
  outcome?: 'success' | 'failure';
  region?: (typeof CSP_REGIONS)[number];
  deviceModel?: string;
  firmwareVersion?: string;
  chFirmwareVersion?: string;
  party?: string;
  limit: number;
}

/** JSON has no Infinity: an unknown bound (an agent not yet synchronised) is null. */
const bound = (us: number): number | null => (Number.isFinite(us) ? us : null);

export function journeyView(j: StoredJourney, withHops: boolean): Record<string, unknown> {
  const { hops, figureUncertaintyUs, segments, ...rest } = j;
  return {
    ...rest,
    figureUncertaintyUs: Object.fromEntries(Object.entries(figureUncertaintyUs).map(([k, v]) => [k, bound(v)])),
    segments: segments.map((s) => ({ ...s, uncertaintyUs: bound(s.uncertaintyUs) })),
    startedAt: new Date(j.startedUs / 1000).toISOString(),
    ...(withHops ? {
      hops: hops.points.map((point, i) => ({
        point: hopPointName(point), agentId: hops.agentIds[i], timeUs: hops.times[i],
        ...(hops.mapped ? { collectorUs: hops.mapped.us[i], uncertaintyUs: bound(hops.mapped.uncertaintyUs[i]!) } : {}),
        ...(hops.codes?.[i] ? { code: hops.codes[i] } : {}),
      })),
    } : {}),
  };
}

export function journeyRoutes(app: FastifyInstance, store: Store): void {
  app.get<{ Querystring: ListQuery }>('/api/v1/journeys', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          srv: { type: 'string', pattern: SRV_PATTERN.source, description: 'an SRV (4.8.1) or an alert code (AD1)' },
          from: { type: 'string', description: 'ISO 8601 date or date-time (UTC unless an offset is given)' },
          to: { type: 'string', description: 'ISO 8601 date or date-time, exclusive' },
          outcome: { enum: ['success', 'failure'] },
          region: { enum: [...CSP_REGIONS] },
          deviceModel: { type: 'string', minLength: 1, maxLength: 64 },
          firmwareVersion: { type: 'string', minLength: 1, maxLength: 64, description: 'the device firmware version' },
          chFirmwareVersion: { type: 'string', minLength: 1, maxLength: 64, description: 'the Communications Hub firmware version' },
          party: { type: 'string', pattern: '^[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){7}$', description: 'a DCC User (EUI-64): requests it originated, alerts addressed to it' },
          limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 },
        },
      },
      response: {
        200: { type: 'object', properties: { journeys: { type: 'array', items: journeySchema } } },
        400: errorSchema,
        403: errorSchema,
      },
    },
  }, async (req, reply) => {
    const q = req.query;
    const fromUs = parseTime(q.from, 'from');
    const toUs = parseTime(q.to, 'to');
    const scoped = partyScope(req);
    const asked = q.party?.toUpperCase();
    if (scoped !== undefined && asked !== undefined && asked !== scoped) {
      return reply.code(403).send({ error: 'HW_COLLECTOR_FORBIDDEN', message: `a party token for ${scoped} reads its own journeys only (party=${q.party})` });
    }
    const party = scoped ?? asked;
    const journeys = store.listJourneys({
      limit: q.limit,
      ...(q.srv !== undefined ? { srv: q.srv } : {}),
      ...(fromUs !== undefined ? { fromUs } : {}),
      ...(toUs !== undefined ? { toUs } : {}),
      ...(q.outcome !== undefined ? { outcome: q.outcome } : {}),
      ...(q.region !== undefined ? { cspRegion: q.region } : {}),
      ...(q.deviceModel !== undefined ? { deviceModel: q.deviceModel } : {}),
      ...(q.firmwareVersion !== undefined ? { firmwareVersion: q.firmwareVersion } : {}),
      ...(q.chFirmwareVersion !== undefined ? { chFirmwareVersion: q.chFirmwareVersion } : {}),
      ...(party !== undefined ? { party } : {}),
    });
    return { journeys: journeys.map((j) => journeyView(j, false)) };
  });

  app.get<{ Params: { key: string } }>('/api/v1/journeys/:key', {
    schema: {
      params: { type: 'object', properties: { key: { type: 'string', pattern: KEY_PATTERN } } },
      response: {
        200: { type: 'object', properties: { journeys: { type: 'array', items: journeySchema } } },
        400: errorSchema,
        404: errorSchema,
      },
    },
  }, async (req, reply) => {
    const party = partyScope(req);
    // Another party's journey answers as if it did not exist, and its key is not echoed: a party learns nothing of it.
    const journeys = store.journeysByKey(req.params.key.toUpperCase()).filter((j) => party === undefined || journeyVisibleTo(party, j.kind, j.key));
    if (journeys.length === 0) return reply.code(404).send({ error: 'HW_COLLECTOR_NOT_FOUND', message: party === undefined ? `no journey with key ${req.params.key}` : 'no journey of this party with that key' });
    return { journeys: journeys.map((j) => journeyView(j, true)) };
  });
}
