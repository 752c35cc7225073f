// The demo's history (firmware-stubs/history) over 35 days against a real collector: the MP176
// Table 1 business process checks come out with both outcomes, as the demo shows them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../bin/demo-history.js';
import type { Collector } from '../../collector/collector.js';
import { demoUsers } from '../../firmware-stubs/index.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('business process checks over the demo history', () => {
  const dir = tempDir();
  let c: Collector;
  const out = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  const sum = (rows: Record<string, number>[], field: string) => rows.reduce((n, r) => n + r[field]!, 0);
  let from: string;

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 } });
    const nowMs = Date.now();
    fillDemoHistory(c, { days: 35, rigs: 6, seed: 3, users: demoUsers, nowMs, out });
    from = c.metricEngine.source.calendar.localDate(nowMs - 36 * 86_400_000);
  }, 120_000);
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('has installs read within 30 days, installs never read, and installs still open', async () => {
    const res = (await c.http.inject({ method: 'GET', url: `/api/v1/processes/install-reads?from=${from}&granularity=total` })).json();
    for (const field of ['read', 'noRead', 'open']) expect(sum(res.rows, field), field).toBeGreaterThan(0);
    expect(res.noRead.length).toBe(sum(res.rows, 'noRead'));
    // The unread ones are the stubs' new meters (serial slot F0), never a meter of the fleet that Users read.
    expect(res.noRead.every((x: { device: string }) => x.device.split('-')[3] === 'F0')).toBe(true);
  });

  it('has Change of Supplier Gains with a read before and with an install by the old supplier', async () => {
    const rows = (await c.http.inject({ method: 'GET', url: `/api/v1/processes/cos-gain?from=${from}&granularity=total` })).json().rows;
    expect(sum(rows, 'gains')).toBeGreaterThan(100);
    expect(sum(rows, 'readBefore')).toBeGreaterThan(0);
    expect(sum(rows, 'oldSupplierInstall')).toBeGreaterThan(0);
    expect(sum(rows, 'oldSupplierInstall')).toBeLessThan(sum(rows, 'gains'));
  });
});
