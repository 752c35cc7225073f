// What each kind of rule watches, read at evaluation time: every rule answers a list of
// observations, one per series (its labels), each with its value and whether the rule's
// condition holds. Reads the metric engine's queries (rollups and availability evidence), the
// agents' last statuses and the clock models; nothing here writes.
import { availabilityByRegion } from '../metrics/availability-report.js';
import type { MetricReader } from '../metrics/engine.js';
import { installRows } from '../metrics/installs.js';
import type { Filters } from '../metrics/rollup-query.js';
import { rsvpRows, type RsvpRow } from '../metrics/rsvp.js';
import type { AgentStatusRow } from '../store/store.js';
import type { AlertRuleConfig, ThresholdMetric } from './alerting-config.js';

export interface Observation {
  readonly labels: Readonly<Record<string, string>>;
  /** What the rule compared; null when there was nothing to measure. */
  readonly value: number | null;
  readonly active: boolean;
}

export interface AlertSources {
  readonly metrics: MetricReader;
  agentStatuses(): readonly AgentStatusRow[];
  /** Each agent's clock uncertainty now, µs; null while its offset is unknown. */
  clockUncertainties(): readonly { readonly agentId: string; readonly uncertaintyUs: number | null }[];
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const READ: Record<ThresholdMetric, (r: RsvpRow) => number | null> = {
  successRatePct: (r) => r.successRatePct,
  withinTrtPct: (r) => r.withinTrtPct,
  p95RttUs: (r) => r.rttUs.p95,
  p95DccUs: (r) => r.dccUs.p95,
};

const beyond = (rule: AlertRuleConfig, v: number) => (rule.op === 'below' ? v < rule.value! : v > rule.value!);

/** A threshold on an RSVP figure over the hours that cover the last windowMinutes (rollups are hourly). */
function threshold(rule: AlertRuleConfig, s: AlertSources, nowMs: number): Observation[] {
  const filters: Filters = {
    ...(rule.srv ? { srv: rule.srv } : {}), ...(rule.process ? { process: rule.process } : {}), ...(rule.region ? { region: rule.region } : {}),
  };
  const fromMs = Math.floor((nowMs - rule.windowMinutes! * MINUTE_MS) / HOUR_MS) * HOUR_MS;
  const toMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const rows = rsvpRows(s.metrics.source, { fromMs, toMs, period: 'total', by: rule.by ? [rule.by] : [], filters });
  return rows.map((r) => {
    const value = READ[rule.metric!](r);
    return {
      labels: rule.by ? { [rule.by]: String(r[rule.by] ?? '') } : {},
      value,
      active: r.volume >= (rule.minVolume ?? 1) && value !== null && beyond(rule, value),
    };
  });
}

/** A region with a down minute (collector/metrics/availability.ts) among the last windowMinutes whole minutes. */
function regionDown(rule: AlertRuleConfig, s: AlertSources, nowMs: number): Observation[] {
  const m = s.metrics;
  const toMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const regions = rule.region ?? m.source.catalogue.data.cspRegions.map((r) => r.id);
  return availabilityByRegion(m.source, m.log, { fromMs: toMs - rule.windowMinutes! * MINUTE_MS, toMs, regions }, m.config.availability)
    .map((r) => ({ labels: { region: r.region }, value: r.downMinutes, active: r.downMinutes > 0 }));
}

const chosen = (rule: AlertRuleConfig, agentId: string) => rule.agents === undefined || rule.agents.includes(agentId);

/** An agent whose last status says offline (its last will), or that has said nothing for silenceSeconds. */
function agentOffline(rule: AlertRuleConfig, s: AlertSources, nowMs: number): Observation[] {
  const silenceMs = (rule.silenceSeconds ?? s.metrics.config.availability.probeSilenceSeconds) * 1000;
  return s.agentStatuses().filter((a) => chosen(rule, a.agentId)).map((a) => {
    const silentMs = Math.max(0, nowMs - a.updatedAtMs);
    return { labels: { agent: a.agentId }, value: silentMs / 1000, active: a.status.state !== 'online' || silentMs > silenceMs };
  });
}

/** An agent holding more than `value` batches it could not deliver yet. */
function agentBuffer(rule: AlertRuleConfig, s: AlertSources): Observation[] {
  return s.agentStatuses().filter((a) => chosen(rule, a.agentId)).map((a) => {
    const batches = (a.status.buffer as { batches?: unknown } | undefined)?.batches;
    const value = typeof batches === 'number' ? batches : null;
    return { labels: { agent: a.agentId }, value, active: value !== null && value > rule.value! };
  });
}

/** An agent whose clock is known to worse than `value` µs, or not known at all. */
function clockUncertainty(rule: AlertRuleConfig, s: AlertSources): Observation[] {
  return s.clockUncertainties().filter((c) => chosen(rule, c.agentId))
    .map((c) => ({ labels: { agent: c.agentId }, value: c.uncertaintyUs, active: c.uncertaintyUs === null || c.uncertaintyUs > rule.value! }));
}

/** Yesterday's installs (the last whole local day) off their prediction by more than `value` % (collector/metrics/installs.ts). */
function installsDeviation(rule: AlertRuleConfig, s: AlertSources, nowMs: number): Observation[] {
  const { calendar } = s.metrics.source;
  const todayMs = calendar.startOfDay(calendar.localDate(nowMs));
  const yesterdayMs = calendar.startOfDay(calendar.localDate(todayMs - DAY_MS / 2));
  const [row] = installRows(s.metrics.source, { fromMs: yesterdayMs, toMs: todayMs, filters: rule.region ? { region: rule.region } : {} }, s.metrics.config.installPredictionWeeks);
  const value = row?.deviationPct ?? null;
  return [{ labels: {}, value, active: value !== null && Math.abs(value) > rule.value! }];
}

export function observe(rule: AlertRuleConfig, sources: AlertSources, nowMs: number): Observation[] {
  switch (rule.kind) {
    case 'threshold': return threshold(rule, sources, nowMs);
    case 'region-down': return regionDown(rule, sources, nowMs);
    case 'agent-offline': return agentOffline(rule, sources, nowMs);
    case 'agent-buffer': return agentBuffer(rule, sources);
    case 'clock-uncertainty': return clockUncertainty(rule, sources);
    case 'installs-deviation': return installsDeviation(rule, sources, nowMs);
  }
}
