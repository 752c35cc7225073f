// Time query parameters: ISO 8601 dates or date-times, returned as microseconds since the epoch.
import { HopwatchError } from '../../../common/error-codes.js';

const isoPattern = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
const hasOffset = /(?:Z|[+-]\d{2}:\d{2})$/;

/** A date is midnight UTC; a date-time without an offset is UTC. Throws a 400-mapped error naming the parameter. */
export function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  let ms = Number.NaN;
  if (isoPattern.test(value)) {
    ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : hasOffset.test(value) ? value : `${value}Z`);
  }
  if (Number.isNaN(ms)) throw new HopwatchError('HW_COLLECTOR_BAD_QUERY', `${name} ${JSON.stringify(value)} is not an ISO 8601 date or date-time`);
  return ms * 1000;
}
