// The histogram sink follows the store transaction: records of a rolled-back tick are never
// observed, committed ones are observed once, and amendments are not observed again.
import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../collector/catalogue/catalogue.js';
import { createJourneyTimeHistograms } from '../../../collector/metrics/journey-time-histograms.js';
import { alert, request, writeOf } from './harness.js';

const catalogue = loadCatalogue();

async function rttCount(metrics: readonly client.Metric[]): Promise<number> {
  const registry = new client.Registry();
  for (const m of metrics) registry.registerMetric(m);
  const rtt = (await registry.getMetricsAsJSON()).find((m) => m.name === 'hopwatch_journey_rtt_seconds')!;
  return (rtt.values as { metricName?: string; value: number }[]).filter((v) => v.metricName === 'hopwatch_journey_rtt_seconds_count').reduce((n, v) => n + v.value, 0);
}

describe('journey time histograms as a record sink', () => {
  it('observes nothing from a rolled-back tick', async () => {
    const h = createJourneyTimeHistograms(catalogue);
    h.sink.onRecords([writeOf(request({ at: '2026-11-10T09:00:00Z', srv: '4.1.1' }, catalogue))], 0);
    h.sink.rolledBack();
    h.sink.committed();
    expect(await rttCount(h.metrics)).toBe(0);
  });

  it('observes a committed record once, and not again when it is amended', async () => {
    const h = createJourneyTimeHistograms(catalogue);
    const r = request({ at: '2026-11-10T09:00:00Z', srv: '4.1.1' }, catalogue);
    h.sink.onRecords([writeOf(r)], 0);
    h.sink.committed();
    h.sink.onRecords([writeOf(r, { id: 1, previous: r })], 0);
    h.sink.committed();
    expect(await rttCount(h.metrics)).toBe(1);
  });

  it('does not observe alerts or requests that were never answered', async () => {
    const h = createJourneyTimeHistograms(catalogue);
    h.sink.onRecords([
      writeOf(request({ at: '2026-11-10T09:00:00Z', srv: '4.1.1', unanswered: true }, catalogue)),
      writeOf(alert({ at: '2026-11-10T09:00:00Z', code: 'N12', deliveryMs: 30_000 }, catalogue)),
    ], 0);
    h.sink.committed();
    expect(await rttCount(h.metrics)).toBe(0);
  });
});
