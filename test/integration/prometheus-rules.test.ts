// The shipped Prometheus alerting rules against a real collector: every expression names only
// metrics its GET /metrics exports, and every rule carries a severity and a summary.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { packageFile } from '../../common/paths.js';
import { metricFamilies } from '../helpers/prometheus-text.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const text = readFileSync(packageFile('deploy', 'prometheus', 'hopwatch-rules.yml'), 'utf8');
/** Each rule as its block of lines: from `- alert:` to the next. */
const rules = text.split(/\n(?=\s+- alert: )/).slice(1).map((block) => ({
  alert: /- alert: (\S+)/.exec(block)![1]!,
  expr: /\n\s+expr: (.+)/.exec(block)?.[1] ?? '',
  severity: /\n\s+severity: (\S+)/.exec(block)?.[1],
  summary: /\n\s+summary: (.+)/.exec(block)?.[1],
}));
const metricNames = (expr: string) => [...expr.replace(/"[^"]*"/g, '""').matchAll(/\bhopwatch_[a-zA-Z0-9_:]*/g)].map((m) => m[0]);

describe('the Prometheus alerting rules', () => {
  const dir = tempDir();
  let collector: Collector;
  const exported = new Set<string>();

  beforeAll(async () => {
    collector = await startTestCollector(dir.path);
    const body = (await collector.http.inject({ method: 'GET', url: '/metrics' })).body;
    for (const [name, type] of metricFamilies(body)) {
      if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(`${name}${s}`);
      else exported.add(name);
    }
  });
  afterAll(async () => {
    await collector.close();
    dir.cleanup();
  });

  it('has a rule for each threshold, regional, probe and clock condition hopwatch alerts on', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'HopwatchSuccessRateLow', 'HopwatchWithinTrtLow', 'HopwatchRttP95High', 'HopwatchDccP95High', 'HopwatchRegionDown',
      'HopwatchAgentOffline', 'HopwatchAgentBufferGrowing', 'HopwatchClockUncertain', 'HopwatchAlertNotificationsLost',
    ]);
  });

  it('queries only metrics the collector exports', () => {
    for (const r of rules) {
      expect(metricNames(r.expr).length, r.alert).toBeGreaterThan(0);
      for (const name of metricNames(r.expr)) expect(exported.has(name), `${r.alert}: ${name}`).toBe(true);
    }
  });

  it('gives every rule a severity and a summary', () => {
    for (const r of rules) {
      expect(['warning', 'critical'], r.alert).toContain(r.severity);
      expect(r.summary, r.alert).toBeTruthy();
    }
  });
});
