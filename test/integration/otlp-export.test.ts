// Journeys exported as OTLP traces through the real pipeline: agents stamp journeys through the
// broker into a collector, which sends them to a loopback OTLP/HTTP receiver that decodes each
// request from the published protos. Span times are the record's hop times, durations its figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import type { Collector } from '../../collector/collector.js';
import type { StoredJourney } from '../../collector/store/ports/journey-records.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint, hopPointName } from '../../proto/hop-point.js';
import { keyText } from '../helpers/batches.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The whole microseconds of `ns`, and the nanoseconds left over, as a number of microseconds. */
const usOf = (ns: bigint) => Number(ns / 1000n) + Number(ns % 1000n) / 1000;
const stored = (c: Collector) => c.store.listJourneys({ limit: 1000 });
const metric = async (c: Collector, name: string) => sampleValue(parsePrometheusText((await c.http.inject({ method: 'GET', url: '/metrics' })).body), name, {});

/** A request stamped by a gateway agent (UG_IN, UG_OUT) and a Comms Hub agent (HAN_OUT, HAN_IN). */
function stampRequest(gw: Agent, ch: Agent, counter: number, startUs: number, withHan = true): void {
  const key = journeyKey(keyText(counter));
  gw.record(key, HopPoint.UG_IN, startUs, { srv: '4.1.1', userRole: 'IS', cspRegion: 'NORTH' });
  if (withHan) {
    ch.record(key, HopPoint.HAN_OUT, startUs + 300_000);
    ch.record(key, HopPoint.HAN_IN, startUs + 500_000);
  }
  gw.record(key, HopPoint.UG_OUT, startUs + 800_000, { code: 'I0' });
}

describe('OTLP export of journeys', () => {
  describe('to a receiver that accepts', () => {
    const dir = tempDir();
    let receiver: OtlpReceiver;
    let collector: Collector;
    let gw: Agent;
    let ch: Agent;
    let journeys: StoredJourney[];
    const t0 = Date.now() * 1000 - 600_000_000;

    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      collector = await startTestCollector(dir.path, { join: { settleMs: 50 }, export: { otlp: { endpoint: receiver.url, flushIntervalMs: 50 } } });
      gw = startTestAgent(dir.path, 'gw', collector.brokerUrl);
      ch = startTestAgent(dir.path, 'ch', collector.brokerUrl);
      for (let i = 0; i < 5; i++) stampRequest(gw, ch, 7000 + i, t0 + i * 2_000_000);
      await Promise.all([gw.drained(10_000), ch.drained(10_000)]);
      journeys = await waitFor(() => stored(collector).length === 5 && stored(collector), 10_000, 'five journeys stored');
      // The Comms Hub agent's hops may arrive after the journey closed: then they amend it, and it is exported again.
      await waitFor(() => journeys.every((j) => latest(j.key)?.root.attributes['hopwatch.amendments'] === stored(collector).find((s) => s.key === j.key)!.amendments), 10_000, 'every journey exported as stored');
      journeys = stored(collector);
    });
    afterAll(async () => {
      await gw.close();
      await ch.close();
      await collector.close();
      await receiver.close();
      dir.cleanup();
    });

    /** The last export of a journey: its root span and the segment spans sent right after it. */
    function latest(key: string): { root: ReceivedSpan; children: ReceivedSpan[] } | undefined {
      const spans = receiver.accepted();
      let at = -1;
      spans.forEach((s, i) => { if (s.parentSpanId === '' && s.attributes['hopwatch.key'] === key) at = i; });
      if (at < 0) return undefined;
      const next = spans.findIndex((s, i) => i > at && s.parentSpanId === '');
      return { root: spans[at]!, children: spans.slice(at + 1, next < 0 ? spans.length : next) };
    }
    const rootOf = (key: string): ReceivedSpan => latest(key)!.root;

    it('sends protobuf to /v1/traces, one root span per journey', () => {
      expect(receiver.requests.every((r) => r.contentType === 'application/x-protobuf')).toBe(true);
      const roots = receiver.accepted().filter((s) => s.parentSpanId === '');
      expect(new Set(roots.map((s) => s.traceId)).size).toBe(5);
      expect([...new Set(roots.map((s) => s.attributes['hopwatch.key']))].sort()).toEqual(journeys.map((j) => j.key).sort());
    });

    it('gives the root span the journey\'s start and end, so its duration is the RTT', () => {
      for (const j of journeys) {
        const root = rootOf(j.key);
        expect(root.name).toBe('request 4.1.1');
        expect(usOf(root.startNs)).toBeCloseTo(j.startedUs, 3);
        expect(usOf(root.endNs)).toBeCloseTo(j.endedUs, 3);
        expect(usOf(root.endNs - root.startNs)).toBeCloseTo(j.figures.rttUs!, 3);
        expect(root.attributes['hopwatch.figure.rttUs']).toBeCloseTo(j.figures.rttUs!, 0);
        expect(root.attributes['hopwatch.outcome']).toBe('success');
        expect(root.status.code).toBe('STATUS_CODE_OK');
      }
    });

    it('sends a child span per segment whose times are its two hops and whose duration is its figure', () => {
      for (const j of journeys) {
        const { children } = latest(j.key)!;
        expect(children.map((s) => s.name)).toEqual(j.segments.map((g) => `${g.from} → ${g.to}`));
        const timeOf = (point: string) => j.hops.mapped!.us[j.hops.points.findIndex((p) => hopPointName(p) === point)]!;
        j.segments.forEach((g, k) => {
          const span = children[k]!;
          expect(usOf(span.startNs)).toBeCloseTo(timeOf(g.from), 3);
          expect(usOf(span.endNs)).toBeCloseTo(timeOf(g.to), 3);
          expect(usOf(span.endNs - span.startNs)).toBeCloseTo(g.us, 3);
          expect(span.attributes['hopwatch.segment.cross_agent']).toBe(g.crossAgent);
          expect(span.attributes['hopwatch.segment.from']).toBe(g.from);
          expect(span.attributes['hopwatch.segment.to']).toBe(g.to);
          if (Number.isFinite(g.uncertaintyUs)) expect(span.attributes['hopwatch.segment.uncertainty']).toBeCloseTo(g.uncertaintyUs, 3);
          else expect(span.attributes['hopwatch.segment.uncertainty']).toBeUndefined();
        });
        expect(children.filter((s) => s.attributes['hopwatch.segment.cross_agent'] === true).map((s) => s.name))
          .toEqual(['UG_IN → HAN_OUT', 'HAN_IN → UG_OUT']);
      }
    });

    it('puts each hop on the root span as an event at its time, naming its agent', () => {
      const j = journeys[0]!;
      const events = rootOf(j.key).events;
      expect(events.map((e) => e.name)).toEqual(j.hops.points.map((p) => hopPointName(p)));
      events.forEach((e, i) => {
        expect(usOf(e.timeNs)).toBeCloseTo(j.hops.mapped!.us[i]!, 3);
        expect(e.attributes['hopwatch.agent']).toBe(j.hops.agentIds[i]);
      });
    });

    it('exports an amended journey again under the same trace and root span ids', async () => {
      const key = journeyKey(keyText(7100));
      const start = t0 + 20_000_000;
      stampRequest(gw, ch, 7100, start, false);
      await gw.drained(10_000);
      const first = await waitFor(() => receiver.accepted().find((s) => s.parentSpanId === '' && s.attributes['hopwatch.key'] === keyText(7100)), 10_000, 'the journey exported');
      expect(first.attributes['hopwatch.amendments']).toBe(0);
      ch.record(key, HopPoint.HAN_OUT, start + 300_000);
      await ch.drained(10_000);
      const again = await waitFor(() => receiver.accepted().find((s) => s.parentSpanId === '' && s.attributes['hopwatch.key'] === keyText(7100) && s.attributes['hopwatch.amendments'] === 1), 10_000, 'the amendment exported');
      expect(again.traceId).toBe(first.traceId);
      expect(again.spanId).toBe(first.spanId);
      expect(receiver.accepted().filter((s) => s.traceId === first.traceId && s.name === 'UG_IN → HAN_OUT')).toHaveLength(1);
    });

    it('counts the exported journeys on GET /metrics', async () => {
      expect(await metric(collector, 'hopwatch_otlp_exported_journeys_total')).toBeGreaterThanOrEqual(5);
      expect(await metric(collector, 'hopwatch_otlp_dropped_journeys_total')).toBe(0);
      expect(await metric(collector, 'hopwatch_otlp_failed_journeys_total')).toBe(0);
    });
  });

  describe('to a receiver that answers 503 once', () => {
    it('retries the request and delivers each journey once', async () => {
      const dir = tempDir();
      const receiver = await startOtlpReceiver([503]);
      const collector = await startTestCollector(dir.path, { export: { otlp: { endpoint: receiver.url, flushIntervalMs: 50, maxBatchSize: 100 } } });
      const gw = startTestAgent(dir.path, 'gw', collector.brokerUrl);
      try {
        for (let i = 0; i < 3; i++) stampRequest(gw, gw, 7200 + i, Date.now() * 1000 - 60_000_000 + i * 1_000_000);
        await gw.drained(10_000);
        await waitFor(async () => await metric(collector, 'hopwatch_otlp_exported_journeys_total') === 3, 15_000, 'three journeys exported');
        expect(receiver.requests[0]!.status).toBe(503);
        const roots = receiver.accepted().filter((s) => s.parentSpanId === '');
        expect(roots.map((s) => s.attributes['hopwatch.key']).sort()).toEqual([7200, 7201, 7202].map((c) => keyText(c)));
        expect(await metric(collector, 'hopwatch_otlp_retries_total')).toBeGreaterThanOrEqual(1);
        expect(await metric(collector, 'hopwatch_otlp_failed_journeys_total')).toBe(0);
      } finally {
        await gw.close();
        await collector.close();
        await receiver.close();
        dir.cleanup();
      }
    });
  });

  describe('with the receiver down', () => {
    it('drops and counts what the queue cannot hold, and stores every journey', async () => {
      const dir = tempDir();
      const gone = await startOtlpReceiver();
      await gone.close();
      const collector = await startTestCollector(dir.path, { export: { otlp: { endpoint: gone.url, flushIntervalMs: 50, maxBatchSize: 1, maxQueueSize: 2 } } });
      const gw = startTestAgent(dir.path, 'gw', collector.brokerUrl);
      try {
        for (let i = 0; i < 10; i++) stampRequest(gw, gw, 7300 + i, Date.now() * 1000 - 60_000_000 + i * 1_000_000);
        await gw.drained(10_000);
        await waitFor(() => stored(collector).length === 10, 10_000, 'ten journeys stored');
        const dropped: number = await waitFor(async () => (await metric(collector, 'hopwatch_otlp_dropped_journeys_total')) || undefined, 5000, 'drops counted');
        const queued = (await metric(collector, 'hopwatch_otlp_queue_journeys'))!;
        expect(queued).toBeLessThanOrEqual(2);
        // One journey is in flight (being retried) or already failed; the rest are queued or dropped.
        expect(dropped + queued).toBeGreaterThanOrEqual(9);
        expect(await metric(collector, 'hopwatch_otlp_exported_journeys_total')).toBe(0);
      } finally {
        await gw.close();
        await collector.close();
        dir.cleanup();
      }
    });
  });
});
