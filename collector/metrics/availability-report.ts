// Availability per CSP region over a period: gathers the evidence (activity per minute, the
// region's probes and their heartbeats, declared maintenance) and applies availability.ts.
// A region's probes are the agents that stamped its CSP, CH or HAN points; where none did
// (a deployment with gateway agents only), every agent that stamped its journeys.
// Evidence is read past the period's edges while an outage run continues there, so the run
// rule sees whole runs (availability.ts classifyAround).
import { classifyAround, MINUTE_MS, summariseAvailability, type AvailabilityRule, type AvailabilitySummary, type Interval, type RegionEvidence } from './availability.js';
import type { OperationsLog } from '../store/ports/operations-log.js';
import type { RollupSource } from './rollup-query.js';

export interface RegionAvailability extends AvailabilitySummary {
  readonly region: string;
  readonly probes: readonly string[];
}

export function availabilityByRegion(
  source: RollupSource, log: OperationsLog, q: { fromMs: number; toMs: number; regions: readonly string[] }, rule: AvailabilityRule,
): RegionAvailability[] {
  const range: Interval = { fromMs: Math.floor(q.fromMs / MINUTE_MS) * MINUTE_MS, toMs: Math.ceil(q.toMs / MINUTE_MS) * MINUTE_MS };
  const { activity } = source.ports;
  return q.regions.map((region) => {
    const all = activity.probesOf(region);
    const regional = all.filter((p) => p.regional);
    const agents = (regional.length > 0 ? regional : all).map((p) => p.agentId).sort();
    const evidenceOver = (fromMs: number, toMs: number): RegionEvidence => {
      const minutes = new Map<number, { requests: number; answered: number }>();
      for (const m of activity.activityBetween(region, fromMs, toMs)) minutes.set(m.minuteMs, m);
      return {
        fromMs, toMs, activity: minutes,
        observed: agents.flatMap((a) => activity.heartbeatsOverlapping(a, fromMs, toMs)),
        maintenance: log.maintenance(fromMs, toMs).filter((m) => m.region === null || m.region === region),
      };
    };
    const classified = classifyAround(range, rule, evidenceOver);
    return { region, probes: agents, ...summariseAvailability(classified, source.calendar, range) };
  });
}
