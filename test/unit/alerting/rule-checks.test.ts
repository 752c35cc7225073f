// What each kind of rule observes, on hand-worked cases over an in-memory store.
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRuleConfig } from '../../../collector/alerting/alerting-config.js';
import { observe, type AlertSources } from '../../../collector/alerting/rule-checks.js';
import type { AgentStatusRow } from '../../../collector/store/store.js';
import { harness, request, type Harness } from '../metrics/harness.js';

const NOW = Date.parse('2026-11-10T12:30:00Z');

describe('alert rule checks', () => {
  let h: Harness;
  afterEach(() => h.close());
  const sources = (statuses: AgentStatusRow[] = [], clocks: { agentId: string; uncertaintyUs: number | null }[] = []): AlertSources => ({
    metrics: h.engine, agentStatuses: () => statuses, clockUncertainties: () => clocks,
  });
  const rule = (r: Partial<AlertRuleConfig>): AlertRuleConfig => ({ name: 'r', kind: 'threshold', ...r });

  it('compares the success rate per SRV over the window with its threshold, once the volume is enough', () => {
    h = harness();
    // 4.1.1: 10 requests, 2 answered E21 → 80 %; 2.2: 5 requests, all answered → 100 %.
    h.write([
      ...Array.from({ length: 10 }, (_, i) => request({ at: `2026-11-10T12:0${i % 10}:00Z`, srv: '4.1.1', ...(i < 2 ? { code: 'E21' } : {}) }, h.catalogue)),
      ...Array.from({ length: 5 }, (_, i) => request({ at: `2026-11-10T12:1${i}:00Z`, srv: '2.2' }, h.catalogue)),
    ]);
    const r = rule({ metric: 'successRatePct', op: 'below', value: 90, windowMinutes: 15, by: 'srv' });
    expect(observe(r, sources(), NOW).sort((a, b) => a.labels.srv!.localeCompare(b.labels.srv!)))
      .toEqual([{ labels: { srv: '2.2' }, value: 100, active: false }, { labels: { srv: '4.1.1' }, value: 80, active: true }]);
    expect(observe({ ...r, minVolume: 11 }, sources(), NOW).some((o) => o.active)).toBe(false);
  });

  it('compares the p95 RTT with a limit above', () => {
    h = harness();
    h.write(Array.from({ length: 20 }, (_, i) => request({ at: '2026-11-10T12:00:00Z', srv: '4.1.1', rttMs: 2000 + 100 * i }, h.catalogue)));
    // Nearest rank: the 19th of 2.0 … 3.9 s is 3.8 s.
    const r = rule({ metric: 'p95RttUs', op: 'above', value: 3_500_000, windowMinutes: 60 });
    expect(observe(r, sources(), NOW)).toEqual([{ labels: {}, value: 3_800_000, active: true }]);
  });

  it('finds agents offline by their last will or by silence', () => {
    h = harness();
    const statuses: AgentStatusRow[] = [
      { agentId: 'up', updatedAtMs: NOW - 10_000, status: { state: 'online' } },
      { agentId: 'will', updatedAtMs: NOW - 10_000, status: { state: 'offline' } },
      { agentId: 'silent', updatedAtMs: NOW - 120_000, status: { state: 'online' } },
    ];
    expect(observe(rule({ kind: 'agent-offline', silenceSeconds: 60 }), sources(statuses), NOW).map((o) => [o.labels.agent, o.value, o.active]))
      .toEqual([['up', 10, false], ['will', 10, true], ['silent', 120, true]]);
  });

  it('finds agent buffers above their limit', () => {
    h = harness();
    const statuses: AgentStatusRow[] = [
      { agentId: 'a', updatedAtMs: NOW, status: { state: 'online', buffer: { batches: 5 } } },
      { agentId: 'b', updatedAtMs: NOW, status: { state: 'online', buffer: { batches: 50 } } },
    ];
    expect(observe(rule({ kind: 'agent-buffer', value: 10 }), sources(statuses), NOW).map((o) => o.active)).toEqual([false, true]);
  });

  it('finds clocks known worse than the limit, or not known at all', () => {
    h = harness();
    const clocks = [{ agentId: 'a', uncertaintyUs: 500 }, { agentId: 'b', uncertaintyUs: 2000 }, { agentId: 'c', uncertaintyUs: null }];
    expect(observe(rule({ kind: 'clock-uncertainty', value: 1000, agents: ['a', 'b', 'c'] }), sources([], clocks), NOW).map((o) => o.active)).toEqual([false, true, true]);
  });

  it("compares yesterday's installs with their prediction", () => {
    h = harness();
    // Tuesday 3 November: 10 installs; Tuesday 10 November: 4. Predicted 10 (the only week of history): −60 %.
    h.write([
      ...Array.from({ length: 10 }, (_, i) => request({ at: `2026-11-03T10:0${i}:00Z`, srv: '8.14.1' }, h.catalogue)),
      ...Array.from({ length: 4 }, (_, i) => request({ at: `2026-11-10T10:0${i}:00Z`, srv: '8.14.1' }, h.catalogue)),
    ]);
    const at = Date.parse('2026-11-11T09:00:00Z');
    expect(observe(rule({ kind: 'installs-deviation', value: 50 }), sources(), at)).toEqual([{ labels: {}, value: -60, active: true }]);
    expect(observe(rule({ kind: 'installs-deviation', value: 70 }), sources(), at)[0]!.active).toBe(false);
  });
});
