// JSON schemas shared by the API routes.
import { HOP_POINT_NAMES } from '../../../proto/hop-point.js';

export const KEY_PATTERN = '^[0-9A-Fa-f]{2}(-?[0-9A-Fa-f]{2}){7}:[0-9A-Fa-f]{2}(-?[0-9A-Fa-f]{2}){7}:[0-9]{1,20}$';

const nullableNumber = { type: ['number', 'null'] };

export const summarySchema = {
  type: 'object',
  properties: { count: { type: 'integer' }, mean: nullableNumber, median: nullableNumber, min: nullableNumber, max: nullableNumber, p95: nullableNumber },
} as const;

export const segmentSchema = {
  type: 'object',
  properties: {
    from: { enum: HOP_POINT_NAMES }, to: { enum: HOP_POINT_NAMES }, us: { type: 'number' },
    uncertaintyUs: { type: ['number', 'null'], description: 'the true value lies within us ± uncertaintyUs; null: an agent is not synchronised yet' },
    crossAgent: { type: 'boolean' },
  },
} as const;

const FIGURES = ['rttUs', 'dccUs', 'hanUs', 'ackUs', 'cspRoundTripUs', 'chResidenceUs', 'alertDeliveryUs'];
const figures = { type: 'object', properties: Object.fromEntries(FIGURES.map((f) => [f, { type: 'number' }])) };
const figureBounds = { type: 'object', properties: Object.fromEntries(FIGURES.map((f) => [f, { type: ['number', 'null'] }])) };

export const contextSchema = {
  type: 'object',
  properties: Object.fromEntries(
    ['srv', 'deviceType', 'deviceModel', 'firmwareVersion', 'chFirmwareVersion', 'cspRegion', 'smetsGeneration', 'userRole'].map((f) => [f, { type: 'string' }]),
  ),
};

export const journeySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    writtenAtMs: { type: 'integer' },
    key: { type: 'string' },
    kind: { enum: ['request', 'alert'] },
    srv: { type: 'string' },
    startedAt: { type: 'string' },
    startedUs: { type: 'number' },
    endedUs: { type: 'number' },
    outcome: { enum: ['success', 'failure'] },
    code: { type: 'string' },
    reason: { type: 'string' },
    figures,
    figureUncertaintyUs: figureBounds,
    crossAgent: { type: 'array', items: { type: 'string' } },
    flags: { type: 'array', items: { enum: ['unreconciled', 'unsynchronised', 'drift-beyond-limit'] } },
    segments: { type: 'array', items: segmentSchema },
    context: contextSchema,
    amendments: { type: 'integer' },
    hops: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          point: { enum: HOP_POINT_NAMES }, agentId: { type: 'string' }, timeUs: { type: 'number', description: 'as stamped, on the agent\'s clock' },
          collectorUs: { type: 'number', description: 'on the collector\'s clock' }, uncertaintyUs: { type: ['number', 'null'] }, code: { type: 'string' },
        },
      },
    },
  },
} as const;

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;
