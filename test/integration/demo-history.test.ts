// The demo's first start writes weeks of simulated history through the metric engine, so the
// reports have data at once: peers for every party, outages in availability, installs and
// Change of Supplier; a store that already holds history is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../bin/demo-history.js';
import type { Collector } from '../../collector/collector.js';
import { demoUsers } from '../../firmware-stubs/index.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const DAY_MS = 86_400_000;

describe('demo history', () => {
  const dir = tempDir();
  let c: Collector;
  const nowMs = Date.now();
  const out = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  const options = { days: 3, rigs: 12, seed: 1, users: demoUsers, nowMs, out };
  let first: ReturnType<typeof fillDemoHistory>;
  const get = async (url: string) => (await c.http.inject({ method: 'GET', url })).json();
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 } });
    first = fillDemoHistory(c, options);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('writes the journeys of the last days, readable in the RSVP report', async () => {
    expect(first.written).toBe(true);
    expect(first.journeys).toBeGreaterThan(3 * 1500);
    const rsvp = await get(`/api/v1/rsvp?from=${day(nowMs - 3 * DAY_MS)}&granularity=total&by=region`);
    expect(rsvp.rows.map((r: { region: string }) => r.region).sort()).toEqual(['CENTRAL', 'NORTH', 'SOUTH']);
    const volume = rsvp.rows.reduce((n: number, r: { volume: number }) => n + r.volume, 0);
    expect(volume).toBeGreaterThan(3 * 1000);
  });

  it('gives every party at least three peers in its User Role', async () => {
    for (const user of demoUsers) {
      const peers = await get(`/api/v1/peers?party=${user.eui}&from=${day(nowMs - 3 * DAY_MS)}`);
      expect(peers, user.name).toMatchObject({ userRole: user.role, peers: 3, withheld: false });
    }
  });

  it('shows the regional outages in availability, with probes watching throughout', async () => {
    // The two whole days before today, which the history covers from end to end.
    const availability = await get(`/api/v1/availability?from=${day(nowMs - 2 * DAY_MS)}&to=${day(nowMs)}`);
    const down = Object.fromEntries(availability.regions.map((r: { region: string; downMinutes: number }) => [r.region, r.downMinutes]));
    expect(down).toEqual({ NORTH: 95, CENTRAL: 0, SOUTH: 40 });
    for (const r of availability.regions) expect(r.observedPct).toBeGreaterThan(99);
  });

  it('leaves a store that already holds history as it is', () => {
    expect(fillDemoHistory(c, options)).toEqual({ written: false, journeys: 0, ms: 0 });
  });
});
