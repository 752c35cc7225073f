// Records to spans: ids stable across amendments and distinct for a reused key, nanosecond times
// that keep the microseconds exact, and a failed journey's status.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../../../collector/catalogue/catalogue.js';
import { encodeJourneys, journeySpans, unixNanos } from '../../../../../collector/export/otlp/span-encoder.js';
import { journeyIds } from '../../../../../collector/export/otlp/trace-ids.js';
import { buildRecord, type JourneyHops, type JourneyRecord } from '../../../../../collector/join/journey-record.js';
import { OtlpExportTraceRequest } from '../../../../../proto/otlp.js';
import { HopPoint } from '../../../../../proto/hop-point.js';
import { keyText } from '../../../../helpers/batches.js';

const catalogue = loadCatalogue();
const T0 = 1_790_000_000_000_000;

function record(hops: JourneyHops, amendments = 0, key = keyText(1)): JourneyRecord {
  return buildRecord({ key, hops, context: { srv: '4.1.1' }, cause: 'final', amendments }, catalogue);
}
const answered: JourneyHops = { points: [HopPoint.UG_IN, HopPoint.UG_OUT], agentIds: ['gw', 'gw'], times: [T0, T0 + 800_000], codes: [undefined, 'I0'] };
const amended: JourneyHops = {
  points: [...answered.points, HopPoint.HAN_OUT], agentIds: [...answered.agentIds, 'ch'], times: [...answered.times, T0 + 300_000], codes: [...answered.codes!, undefined],
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('journey trace ids', () => {
  it('keeps the trace and root span ids when a late hop amends the journey', () => {
    const before = journeyIds(record(answered));
    const after = journeyIds(record(amended, 1));
    expect(hex(after.traceId)).toBe(hex(before.traceId));
    expect(hex(after.rootSpanId)).toBe(hex(before.rootSpanId));
    expect(hex(after.segmentSpanId('UG_IN', 'UG_OUT'))).toBe(hex(before.segmentSpanId('UG_IN', 'UG_OUT')));
  });

  it('gives a counter reused for a later journey another trace', () => {
    const later: JourneyHops = { ...answered, times: answered.times.map((t) => t + 86_400_000_000) };
    expect(hex(journeyIds(record(later)).traceId)).not.toBe(hex(journeyIds(record(answered)).traceId));
  });

  it('makes 16-byte trace ids and 8-byte span ids, distinct per segment', () => {
    const ids = journeyIds(record(amended));
    expect(ids.traceId).toHaveLength(16);
    expect(ids.rootSpanId).toHaveLength(8);
    expect(hex(ids.segmentSpanId('UG_IN', 'HAN_OUT'))).not.toBe(hex(ids.segmentSpanId('HAN_OUT', 'UG_OUT')));
  });
});

describe('journey spans', () => {
  it('turns microseconds since the epoch into exact nanoseconds, fractions included', () => {
    expect(unixNanos(T0 + 1).toString()).toBe(`${T0 + 1}000`);
    expect(unixNanos(T0 + 0.25).toString()).toBe(`${T0}250`);
  });

  it('marks a failed journey\'s root span as an error with its reason', () => {
    const failed = record({ ...answered, codes: [undefined, 'E20'] });
    expect(failed.outcome).toBe('failure');
    const [root] = journeySpans(failed);
    expect(root!.status).toEqual({ code: 2, message: failed.reason });
  });

  it('encodes a request that decodes back to the same spans', () => {
    const r = record(amended);
    const decoded = OtlpExportTraceRequest.decode(encodeJourneys([r], 'hopwatch'));
    const spans = decoded.resourceSpans![0]!.scopeSpans![0]!.spans!;
    expect(spans.map((s) => s.name)).toEqual(['request 4.1.1', 'UG_IN → HAN_OUT', 'HAN_OUT → UG_OUT']);
    expect(spans[1]!.endTimeUnixNano!.toString()).toBe(`${T0 + 300_000}000`);
    expect(decoded.resourceSpans![0]!.resource!.attributes![0]).toMatchObject({ key: 'service.name', value: { stringValue: 'hopwatch' } });
  });
});
