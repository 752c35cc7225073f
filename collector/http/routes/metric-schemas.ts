// JSON schemas of the metric routes: the query parameters they share and the rows they return.
import { SLICE_DIMENSIONS } from '../../metrics/dimensions.js';
import { MONTH_PATTERN } from '../../metrics/metric-params.js';

const nullableNumber = { type: ['number', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;
const integer = { type: 'integer' } as const;
const counts = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const list = { type: 'string', minLength: 1, maxLength: 4000 } as const;

export const periodParams = {
  month: { type: 'string', pattern: MONTH_PATTERN, description: 'a calendar month in the reporting time zone, YYYY-MM' },
  from: { type: 'string', description: 'local date YYYY-MM-DD, or a date-time with an offset (rounded down to the hour)' },
  to: { type: 'string', description: 'exclusive, like from; default: the end of today' },
} as const;

export const sliceParams = Object.fromEntries(SLICE_DIMENSIONS.map((d) => [d, { ...list, description: `keep only these ${d} values (comma-separated)` }]));

export const reportParams = {
  ...periodParams,
  ...sliceParams,
  granularity: { enum: ['hour', 'day', 'month', 'total'] },
  by: { ...list, description: `dimensions to group by, comma-separated: ${SLICE_DIMENSIONS.join(', ')}` },
} as const;

export function querySchema(properties: Record<string, unknown>, required: string[] = []): object {
  return { type: 'object', additionalProperties: false, properties, required };
}

export const summarySchema = {
  type: 'object',
  properties: { count: integer, mean: nullableNumber, median: nullableNumber, min: nullableNumber, max: nullableNumber, p90: nullableNumber, p95: nullableNumber, p99: nullableNumber },
} as const;

const budgetSchema = {
  type: 'object',
  properties: { budgetSeconds: nullableNumber, measured: integer, within: integer, withinPct: nullableNumber, meanUs: nullableNumber },
} as const;

export const dimensionFields = Object.fromEntries(SLICE_DIMENSIONS.map((d) => [d, nullableString]));

export const rsvpRowSchema = {
  type: 'object',
  properties: {
    period: { type: 'string' },
    ...dimensionFields,
    volume: integer, successes: integer, failures: integer, successRatePct: nullableNumber,
    payloadFailures: integer, payloadFailureRatePct: nullableNumber, failuresByReason: counts,
    rttUs: summarySchema, dccUs: summarySchema, hanUs: summarySchema, chResidenceUs: summarySchema,
    trtSeconds: nullableNumber, withinTrtPct: nullableNumber, trt: budgetSchema, rttTarget: budgetSchema, successRateTargetPct: nullableNumber,
    segments: { type: 'object', properties: { dsp: budgetSchema, csp: budgetSchema } },
    category1Incidents: integer, category2Incidents: integer, incidentIds: { type: 'string' },
  },
} as const;

/** The envelope of a report: what was asked, then the rows. */
export function reportSchema(rowSchema: object, extra: Record<string, unknown> = {}): object {
  return {
    type: 'object',
    properties: {
      from: { type: 'string' }, to: { type: 'string' }, timeZone: { type: 'string' }, granularity: { type: 'string' },
      by: { type: 'array', items: { type: 'string' } }, precision: { type: 'string', description: 'exact, or sketch (1 % relative error) when metrics.exactValues is off' }, ...extra,
      rows: { type: 'array', items: rowSchema },
    },
  };
}

export { counts as countsSchema, integer as integerSchema, nullableNumber as nullableNumberSchema, nullableString as nullableStringSchema };
