// One hop as JSON, for rigs that are not written in JavaScript:
//   {"key":"90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000","point":"UG_OUT","code":"I0","srv":"4.8.1"}
// Optional: "timeUs" (integer microseconds since the Unix epoch; absent: stamped on receipt)
// and the context fields of proto/hop-context.ts.
import type { HopContext } from '../proto/hop-context.js';
import { contextProblem, JOURNEY_CONTEXT_FIELDS } from '../proto/hop-context.js';
import { hopPointByName } from '../proto/hop-point.js';
import { EARLIEST_PLAUSIBLE_US } from '../proto/hop-time.js';
import type { JourneyKey } from './journey-key.js';
import { journeyKey } from './journey-key.js';

export interface JsonHop {
  readonly key: JourneyKey;
  readonly point: number;
  readonly timeUs?: number;
  readonly context?: HopContext;
}

const known = new Set<string>(['key', 'point', 'timeUs', 'code', ...JOURNEY_CONTEXT_FIELDS]);

export function parseJsonHop(line: string): JsonHop | { problem: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { problem: `not JSON: ${truncate(line)}` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { problem: `not a JSON object: ${truncate(line)}` };
  const o = v as Record<string, unknown>;
  for (const field of Object.keys(o)) if (!known.has(field)) return { problem: `unknown field ${JSON.stringify(field)}` };
  if (typeof o.key !== 'string') return { problem: 'key must be a string "originator:target:counter"' };
  let key: JourneyKey;
  try {
    key = journeyKey(o.key);
  } catch (err) {
    return { problem: (err as Error).message };
  }
  const point = typeof o.point === 'string' ? hopPointByName(o.point) : undefined;
  if (point === undefined) return { problem: `point ${JSON.stringify(o.point)} is not a hop point name` };
  if (o.timeUs !== undefined && !(Number.isSafeInteger(o.timeUs) && (o.timeUs as number) >= EARLIEST_PLAUSIBLE_US)) {
    return { problem: `timeUs ${JSON.stringify(o.timeUs)} is not integer microseconds since the Unix epoch` };
  }
  const problem = contextProblem(o);
  if (problem) return { problem };
  const context: Record<string, unknown> = {};
  let hasContext = false;
  for (const field of ['code', ...JOURNEY_CONTEXT_FIELDS]) {
    if (o[field] !== undefined) {
      context[field] = o[field];
      hasContext = true;
    }
  }
  return {
    key,
    point,
    ...(o.timeUs !== undefined ? { timeUs: o.timeUs as number } : {}),
    ...(hasContext ? { context: context as HopContext } : {}),
  };
}

function truncate(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}
