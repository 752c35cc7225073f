// The shipped Grafana dashboard and Prometheus scrape example against a real collector: every
// PromQL expression names only metrics the collector's GET /metrics exports, rates only
// counters and histogram series, and the dashboard imports as is (its datasource an input).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { packageFile } from '../../common/paths.js';
import { metricFamilies } from '../helpers/prometheus-text.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Target { expr: string; datasource?: { uid?: string } }
interface Panel { type: string; title: string; datasource?: { uid?: string }; targets?: Target[]; panels?: Panel[] }
interface Dashboard {
  __inputs: { name: string; type: string; pluginId: string }[];
  panels: Panel[];
  templating: { list: { name: string; datasource?: { uid?: string }; query: { query: string } | string }[] };
}

const dashboard = JSON.parse(readFileSync(packageFile('deploy', 'grafana', 'hopwatch-collector.json'), 'utf8')) as Dashboard;
// eslint-disable-next-line no-template-curly-in-string -- Grafana's placeholder for the datasource chosen at import
const DATASOURCE = '${DS_PROMETHEUS}';
const HISTOGRAM_SERIES = ['_bucket', '_sum', '_count'];

const queryPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [...(p.type === 'row' ? [] : [p]), ...queryPanels(p.panels ?? [])]);
const expressions = (): { where: string; expr: string }[] => [
  ...queryPanels(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
  ...dashboard.templating.list.map((v) => ({ where: `variable ${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query.query })),
];
// Label values and matchers are quoted; the rest of an expression names metrics, labels and functions.
const metricNames = (expr: string) => [...expr.replace(/"[^"]*"/g, '""').matchAll(/\bhopwatch_[a-zA-Z0-9_:]*/g)].map((m) => m[0]);

describe('the Grafana dashboard', () => {
  const dir = tempDir();
  let collector: Collector;
  /** Series name → type, from the collector's own /metrics (histograms as their three series). */
  const exported = new Map<string, string>();

  beforeAll(async () => {
    collector = await startTestCollector(dir.path);
    const text = (await collector.http.inject({ method: 'GET', url: '/metrics' })).body;
    for (const [name, type] of metricFamilies(text)) {
      if (type === 'histogram') for (const s of HISTOGRAM_SERIES) exported.set(`${name}${s}`, 'histogram');
      else exported.set(name, type);
    }
  });
  afterAll(async () => {
    await collector.close();
    dir.cleanup();
  });

  it('reads the metric names from a real collector, histograms included', () => {
    expect(exported.get('hopwatch_ingested_batches_total')).toBe('counter');
    expect(exported.get('hopwatch_journey_rtt_seconds_bucket')).toBe('histogram');
    expect(exported.get('hopwatch_journey_dcc_seconds_bucket')).toBe('histogram');
  });

  it('queries only metrics the collector exports', () => {
    const all = expressions();
    expect(all.length).toBeGreaterThanOrEqual(15);
    for (const { where, expr } of all) {
      const names = metricNames(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${where} queries ${name}, which the collector does not export`).toBe(true);
    }
  });

  it('takes rates of counters and histogram series only, and quantiles of buckets only', () => {
    for (const { where, expr } of expressions()) {
      for (const m of expr.matchAll(/\b(?:rate|increase)\((hopwatch_[a-zA-Z0-9_:]*)/g)) {
        expect(['counter', 'histogram'], `${where}: rate of ${m[1]}`).toContain(exported.get(m[1]!));
      }
      if (expr.includes('histogram_quantile')) {
        expect(metricNames(expr).every((n) => n.endsWith('_bucket')), `${where}: ${expr}`).toBe(true);
        expect(expr, `${where}: quantiles need the le label kept`).toMatch(/by \([^)]*\ble\b/);
      }
    }
  });

  it('shows ingest, rejections, MQTT denials, open journeys and RTT/DCC quantiles by class and region', () => {
    const all = expressions().map((e) => e.expr).join('\n');
    for (const name of ['hopwatch_ingested_hops_total', 'hopwatch_rejected_batches_total', 'hopwatch_mqtt_denied_total', 'hopwatch_open_journeys']) expect(all).toContain(name);
    for (const histogram of ['hopwatch_journey_rtt_seconds_bucket', 'hopwatch_journey_dcc_seconds_bucket']) {
      expect(all).toMatch(new RegExp(`histogram_quantile\\(0\\.95, sum by \\(le, class, region\\) \\(rate\\(${histogram}`));
    }
  });

  it('imports as is: every query uses the datasource input', () => {
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' })]);
    for (const p of queryPanels(dashboard.panels)) {
      expect(p.datasource?.uid, p.title).toBe(DATASOURCE);
      for (const t of p.targets ?? []) expect(t.datasource?.uid, p.title).toBe(DATASOURCE);
    }
    for (const v of dashboard.templating.list) expect(v.datasource?.uid, v.name).toBe(DATASOURCE);
  });
});

describe('the Prometheus scrape example', () => {
  const config = readFileSync(packageFile('deploy', 'prometheus', 'prometheus.yml'), 'utf8');

  it('scrapes /metrics with a bearer token kept in a file, and says how to make a metrics token', () => {
    expect(config).toMatch(/^\s+metrics_path: \/metrics$/m);
    expect(config).toMatch(/^\s+authorization:\n\s+type: Bearer\n\s+credentials_file: \S+$/m);
    expect(config).toContain('hopwatch tokens create --scope metrics');
  });
});
