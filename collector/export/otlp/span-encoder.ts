// Journey records as an OTLP ExportTraceServiceRequest (protobuf): one trace per journey, a
// root span from its start to its end, a child span per segment of its chain, and each hop
// as an event on the root span. Times are the record's, on the collector's clock: a span's
// start and end are the hop times of its two points, so its duration is the segment's figure.
//
// Attribute names are under `hopwatch.`; figures and bounds are in microseconds as in the
// API. A bound that is not known (an agent whose clock is not yet estimated) is left out
// rather than sent as infinity, which OTLP/JSON backends cannot show.
import Long from 'long';
import type { JourneyRecord, Segment } from '../../join/journey-record.js';
import { hopPointName } from '../../../proto/hop-point.js';
import {
  OtlpExportTraceRequest, OtlpSpanKind, OtlpStatusCode,
  type OtlpEventFields, type OtlpKeyValueFields, type OtlpSpanFields,
} from '../../../proto/otlp.js';
import { journeyIds } from './trace-ids.js';

export const OTLP_SCOPE = { name: 'hopwatch.collector', version: '1' } as const;

type AttributeValue = string | number | boolean | readonly string[];

/** Microseconds (possibly fractional, as mapped onto the collector's clock) as unsigned nanoseconds. */
export function unixNanos(us: number): Long {
  const whole = Math.floor(us);
  return Long.fromNumber(whole, true).multiply(1000).add(Math.round((us - whole) * 1000));
}

function attribute(key: string, value: AttributeValue): OtlpKeyValueFields {
  if (typeof value === 'string') return { key, value: { stringValue: value } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  if (typeof value === 'number') return { key, value: Number.isInteger(value) ? { intValue: value } : { doubleValue: value } };
  return { key, value: { arrayValue: { values: value.map((v) => ({ stringValue: v })) } } };
}

function attributes(entries: Record<string, AttributeValue | undefined>): OtlpKeyValueFields[] {
  const out: OtlpKeyValueFields[] = [];
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out.push(attribute(key, value));
  return out;
}

const finite = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n : undefined);

function rootSpan(r: JourneyRecord, traceId: Uint8Array, spanId: Uint8Array): OtlpSpanFields {
  const figures: Record<string, number | undefined> = {};
  for (const [name, value] of Object.entries(r.figures)) {
    figures[`hopwatch.figure.${name}`] = value;
    figures[`hopwatch.figure.${name}.uncertainty`] = finite(r.figureUncertaintyUs[name as keyof typeof r.figures]);
  }
  const c = r.context;
  return {
    traceId, spanId,
    name: `${r.kind} ${r.srv ?? 'unknown'}`,
    kind: OtlpSpanKind.SPAN_KIND_INTERNAL,
    startTimeUnixNano: unixNanos(r.startedUs),
    endTimeUnixNano: unixNanos(r.endedUs),
    attributes: attributes({
      'hopwatch.key': r.key, 'hopwatch.kind': r.kind, 'hopwatch.srv': r.srv,
      'hopwatch.outcome': r.outcome, 'hopwatch.code': r.code, 'hopwatch.reason': r.reason,
      'hopwatch.amendments': r.amendments,
      'hopwatch.cross_agent': r.crossAgent.length > 0 ? r.crossAgent : undefined,
      'hopwatch.flags': r.flags.length > 0 ? r.flags : undefined,
      'hopwatch.csp_region': c.cspRegion, 'hopwatch.device_type': c.deviceType, 'hopwatch.user_role': c.userRole,
      'hopwatch.smets_generation': c.smetsGeneration,
      ...figures,
    }),
    events: hopEvents(r),
    status: r.outcome === 'failure'
      ? { code: OtlpStatusCode.STATUS_CODE_ERROR, message: r.reason ?? 'failure' }
      : { code: OtlpStatusCode.STATUS_CODE_OK },
  };
}

function hopEvents(r: JourneyRecord): OtlpEventFields[] {
  const h = r.hops;
  const times = h.mapped?.us ?? h.times;
  return h.points.map((p, i) => ({
    name: hopPointName(p),
    timeUnixNano: unixNanos(times[i]!),
    attributes: attributes({ 'hopwatch.agent': h.agentIds[i]!, 'hopwatch.stamped_us': h.times[i]!, 'hopwatch.code': h.codes?.[i] }),
  }));
}

function segmentSpan(r: JourneyRecord, g: Segment, traceId: Uint8Array, parentSpanId: Uint8Array, spanId: Uint8Array): OtlpSpanFields {
  const h = r.hops;
  const from = h.points.findIndex((p) => hopPointName(p) === g.from);
  const startUs = (h.mapped?.us ?? h.times)[from]!;
  return {
    traceId, spanId, parentSpanId,
    name: `${g.from} → ${g.to}`,
    kind: OtlpSpanKind.SPAN_KIND_INTERNAL,
    startTimeUnixNano: unixNanos(startUs),
    endTimeUnixNano: unixNanos(startUs + g.us),
    attributes: attributes({
      'hopwatch.segment.from': g.from, 'hopwatch.segment.to': g.to, 'hopwatch.segment.us': g.us,
      'hopwatch.segment.uncertainty': finite(g.uncertaintyUs), 'hopwatch.segment.cross_agent': g.crossAgent,
    }),
  };
}

/** The spans of one journey: its root first, then its segments in chain order. */
export function journeySpans(r: JourneyRecord): OtlpSpanFields[] {
  const ids = journeyIds(r);
  const spans = [rootSpan(r, ids.traceId, ids.rootSpanId)];
  for (const g of r.segments) spans.push(segmentSpan(r, g, ids.traceId, ids.rootSpanId, ids.segmentSpanId(g.from, g.to)));
  return spans;
}

/** One export request carrying the journeys' spans under one resource and scope. */
export function encodeJourneys(records: readonly JourneyRecord[], serviceName: string): Uint8Array {
  return OtlpExportTraceRequest.encode({
    resourceSpans: [{
      resource: { attributes: attributes({ 'service.name': serviceName }) },
      scopeSpans: [{ scope: { ...OTLP_SCOPE }, spans: records.flatMap(journeySpans) }],
    }],
  }).finish();
}
