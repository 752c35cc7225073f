// The firmware stubs' traffic over nine virtual days against a real collector: every alert
// sequence measure and the inventory come out with both outcomes (MP176 Alert reporting and
// Inventory reporting, MP122 DF2), as a demo shows them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { startCollector } from '../../collector/collector.js';
import { collectorDefaults } from '../../collector/config.js';
import { credentialsAfterIdentity, firmwareVerification, outagesWithoutRestoration, type SequenceQuery } from '../../collector/metrics/alert-sequences.js';
import { inventory } from '../../collector/metrics/inventory.js';
import type { Simulation } from '../../firmware-stubs/simulation.js';
import { startSimulation } from '../../firmware-stubs/simulation.js';
import { tempDir } from '../helpers/temp-dir.js';

const START = Date.parse('2026-10-01T00:00:00Z');
const DAYS = 9;
const perfect = { maxOffsetMs: 0, maxDriftPpm: 0 };

describe('alert sequences and inventory from the firmware stubs', () => {
  const dir = tempDir('hopwatch-sequences-');
  let collector: Collector;
  let sim: Simulation;

  beforeAll(async () => {
    collector = await startCollector({
      ...collectorDefaults,
      broker: { ...collectorDefaults.broker, port: 0 },
      http: { ...collectorDefaults.http, port: 0 },
      store: { file: join(dir.path, 'collector.db'), synchronous: 'normal' },
      join: { ...collectorDefaults.join, settleMs: 100 },
    });
    sim = startSimulation({
      brokerUrl: collector.brokerUrl, dataDir: join(dir.path, 'agents'), mode: 'virtual', seed: 21, rigs: 30,
      // About one firmware verification alert per device in the nine days: some 11.1s get none within five.
      requestsPerSecond: 0.002, alertsPerSecond: 0.0005, durationMs: DAYS * 86_400_000, startTrueUs: START * 1000,
      clocks: { gateway: perfect, csp: perfect, rig: perfect },
    });
    await sim.runUntilIdle();
    await sim.drained(20_000);
    const delivered = [...sim.groundTruth].filter((t) => t.reason === undefined).length;
    const deadline = Date.now() + 20_000;
    while (collector.store.listJourneys({ limit: 100_000 }).length < delivered && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }, 120_000);
  afterAll(async () => {
    await sim?.stop();
    await collector.close();
    dir.cleanup();
  });

  const query = (): SequenceQuery => ({ fromMs: START, toMs: START + DAYS * 86_400_000, granularity: 'total', nowMs: START + 30 * 86_400_000 });
  const sum = <T>(rows: readonly T[], f: (r: T) => number) => rows.reduce((n, r) => n + f(r), 0);

  it('has N16s followed by an N42 within seven days and N16s not', () => {
    const rows = credentialsAfterIdentity(collector.metricEngine.source, query());
    expect(sum(rows, (r) => r.withinSla)).toBeGreaterThan(0);
    expect(sum(rows, (r) => r.missed)).toBeGreaterThan(0);
  });

  it('has outages restored and outages never restored', () => {
    const { rows, unrestored } = outagesWithoutRestoration(collector.metricEngine.source, query());
    expect(sum(rows, (r) => r.restored)).toBeGreaterThan(0);
    expect(unrestored.length).toBeGreaterThan(0);
  });

  it('has firmware updates verified or rejected, and some with no alert within five days', () => {
    const { rows, noAlert } = firmwareVerification(collector.metricEngine.source, query());
    expect(sum(rows, (r) => r.verified + r.rejected)).toBeGreaterThan(0);
    expect(noAlert.length).toBeGreaterThan(0);
  });

  it('gives each supplier an estate of several models and firmware versions', () => {
    const estate = collector.metricEngine.source.ports.estate.estateAt('2026-10');
    const inv = inventory(estate, { party: '90-B3-D5-1F-30-01-00-00', month: '2026-10' }, 1);
    expect(inv.devices).toBeGreaterThan(0);
    expect(inv.firmwareShares.length).toBeGreaterThan(0);
  });
});
