// Prometheus histograms of requests' RTT and DCC time, fed by the records the collector
// writes. Labels are kept bounded: the SRV's response class (the TRT class in the catalogue,
// not the SRV itself), the outcome, and the CSP region (a region the catalogue does not name
// counts as "unknown"). A record is observed when it is first written and only once its
// transaction has committed, so a rolled-back tick never counts; amendments by late hops are
// not observed again (a histogram cannot take an observation back; they are counted by
// hopwatch_journey_amendments_total).
import client from 'prom-client';
import type { RecordWrite } from '../join/joiner.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { RecordSink } from '../join/record-sink.js';

/**
 * Seconds, 100 ms to 24 h. The TRTs of the catalogue's classes (30 s, 5600 s, 24 h) are
 * bucket bounds, so "within the TRT" can be read from the buckets exactly.
 */
export const JOURNEY_TIME_BUCKETS_SECONDS: readonly number[] = [
  0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 5600, 7200, 14_400, 43_200, 86_400,
];

const UNKNOWN = 'unknown';
const LABELS = ['class', 'outcome', 'region'] as const;

export interface JourneyTimeHistograms {
  readonly sink: RecordSink;
  /** The histograms, for the registry GET /metrics reads (collector/http/prometheus.ts). */
  readonly metrics: readonly client.Metric[];
}

interface Observation {
  readonly labels: Record<(typeof LABELS)[number], string>;
  readonly rttSeconds: number | undefined;
  readonly dccSeconds: number | undefined;
}

export function createJourneyTimeHistograms(catalogue: Catalogue): JourneyTimeHistograms {
  const regions = new Set(catalogue.data.cspRegions.map((r) => r.id));
  const histogram = (name: string, help: string) => new client.Histogram({ name, help, labelNames: LABELS, buckets: [...JOURNEY_TIME_BUCKETS_SECONDS], registers: [] });
  const rtt = histogram('hopwatch_journey_rtt_seconds', 'Round-trip time of Service Requests (UG_IN to UG_OUT), by response class, outcome and CSP region.');
  const dcc = histogram('hopwatch_journey_dcc_seconds', 'Time in the DCC (RTT less the HAN leg), the figure the TRT judges, by response class, outcome and CSP region.');
  let pending: Observation[] = [];

  const observationOf = ({ record: r }: RecordWrite): Observation => ({
    labels: {
      class: catalogue.trt(r.srv ?? '', r.startedUs / 1000)?.class ?? UNKNOWN,
      outcome: r.outcome,
      region: r.context.cspRegion !== undefined && regions.has(r.context.cspRegion) ? r.context.cspRegion : UNKNOWN,
    },
    rttSeconds: r.figures.rttUs === undefined ? undefined : r.figures.rttUs / 1e6,
    dccSeconds: r.figures.dccUs === undefined ? undefined : r.figures.dccUs / 1e6,
  });

  return {
    metrics: [rtt, dcc],
    sink: {
      onRecords(writes) {
        for (const w of writes) {
          if (w.amends || w.record.kind !== 'request') continue;
          const o = observationOf(w);
          if (o.rttSeconds !== undefined || o.dccSeconds !== undefined) pending.push(o);
        }
      },
      committed() {
        for (const o of pending) {
          if (o.rttSeconds !== undefined) rtt.observe(o.labels, o.rttSeconds);
          if (o.dccSeconds !== undefined) dcc.observe(o.labels, o.dccSeconds);
        }
        pending = [];
      },
      rolledBack() {
        pending = [];
      },
    },
  };
}
