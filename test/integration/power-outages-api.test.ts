// GET /api/v1/availability/power-outages on a real collector (HTTP in-process with inject):
// stored Power Outage Alerts clustered per 3-minute window and CSP region.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import type { JourneyRecord } from '../../collector/join/journey-record.js';
import type { CspRegionName } from '../../proto/hop-context.js';
import { alert, writeOf } from '../unit/metrics/harness.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('power outage API', () => {
  const dir = tempDir();
  let c: Collector;
  const get = async (url: string) => c.http.inject({ method: 'GET', url });
  const outage = (iso: string, hub: number, code: string, cspRegion: CspRegionName): JourneyRecord => {
    const a = alert({ at: iso, code, deliveryMs: 5000, device: `00-DB-00-00-00-00-${String(Math.floor(hub / 100)).padStart(2, '0')}-${String(hub % 100).padStart(2, '0')}` }, c.catalogue);
    return { ...a, context: { ...a.context, cspRegion } };
  };

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 }, metrics: { powerOutage: { alertCodes: ['AD1'] } } });
    const records = [
      ...Array.from({ length: 60 }, (_, i) => outage('2026-11-10T10:01:00Z', i, 'AD1', 'SOUTH')),
      ...Array.from({ length: 5 }, (_, i) => outage('2026-11-10T10:04:00Z', i, 'AD1', 'NORTH')),
      outage('2026-11-10T10:04:00Z', 99, 'N12', 'NORTH'),
    ].map((r) => writeOf(r));
    c.store.transaction(() => c.store.writeTick({ records, closedOpenKeys: [] }, Date.parse('2026-11-10T11:00:00Z')));
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('reports each window and region with its distinct hubs, a wider outage apart from an isolated event', async () => {
    const res = await get('/api/v1/availability/power-outages?from=2026-11-10&to=2026-11-11');
    expect(res.statusCode).toBe(200);
    expect(res.json().windows).toEqual([
      { from: '2026-11-10T10:00:00.000Z', to: '2026-11-10T10:03:00.000Z', region: 'SOUTH', hubs: 60, alerts: 60, class: 'wider' },
      { from: '2026-11-10T10:03:00.000Z', to: '2026-11-10T10:06:00.000Z', region: 'NORTH', hubs: 5, alerts: 5, class: 'isolated' },
    ]);
    expect(res.json().rule).toEqual({ alertCodes: ['AD1'], windowMinutes: 3, isolatedMaxHubs: 50 });
  });

  it('keeps only the regions asked for and takes other alert codes from the query', async () => {
    expect((await get('/api/v1/availability/power-outages?from=2026-11-10&to=2026-11-11&region=NORTH')).json().regions)
      .toEqual([{ region: 'NORTH', windows: 1, isolated: 1, wider: 0, maxHubs: 5 }]);
    expect((await get('/api/v1/availability/power-outages?from=2026-11-10&to=2026-11-11&alertCode=N12')).json().windows)
      .toEqual([expect.objectContaining({ region: 'NORTH', hubs: 1 })]);
  });

  it('takes the catalogue\'s Power Outage Alert codes when none are configured', async () => {
    const other = tempDir();
    const plain = await startTestCollector(other.path, { ingest: { tickIntervalMs: 10_000 } });
    try {
      const records = Array.from({ length: 3 }, (_, i) => outage('2026-11-10T10:01:00Z', i, 'PO1', 'SOUTH')).map((r) => writeOf(r));
      plain.store.transaction(() => plain.store.writeTick({ records, closedOpenKeys: [] }, Date.parse('2026-11-10T11:00:00Z')));
      const res = await plain.http.inject({ method: 'GET', url: '/api/v1/availability/power-outages?from=2026-11-10&to=2026-11-11' });
      expect(res.json().rule.alertCodes).toEqual(['PO1']);
      expect(res.json().windows).toEqual([expect.objectContaining({ region: 'SOUTH', hubs: 3, class: 'isolated' })]);
    } finally {
      await plain.close();
      other.cleanup();
    }
  });

  it('refuses an unknown region or a malformed alert code', async () => {
    expect((await get('/api/v1/availability/power-outages?region=WEST')).statusCode).toBe(400);
    expect((await get('/api/v1/availability/power-outages?alertCode=not-a-code')).json().message).toMatch(/alertCode "not-a-code"/);
  });
});
