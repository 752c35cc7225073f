// The whole path on a PostgreSQL store: agents on loopback, the embedded broker, the collector
// with its store in a fresh database of a throwaway server; every journey lands once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../../agent/agent.js';
import { journeyKey } from '../../../agent/journey-key.js';
import type { Collector } from '../../../collector/collector.js';
import { openPostgresStore } from '../../../collector/store/postgres/postgres-store.js';
import { waitFor } from '../../../common/wait-for.js';
import { HopPoint } from '../../../proto/hop-point.js';
import { keyText } from '../../helpers/batches.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { startTestAgent, startTestCollector } from '../../helpers/system.js';
import { tempDir } from '../../helpers/temp-dir.js';

const postgres = useTestPostgres();
const JOURNEYS = 200;

describe('collector on PostgreSQL', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector | undefined;
  const agents: Agent[] = [];

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.close();
    await collector?.close();
    collector = undefined;
    dir.cleanup();
  });

  const stampJourneys = (from: number, to: number, t0: number) => {
    const [gw, csp, rig] = agents;
    for (let j = from; j < to; j++) {
      const key = journeyKey(keyText(7000 + j));
      const t = t0 + j * 1000;
      gw!.record(key, HopPoint.UG_IN, t, { srv: '4.1.1' });
      csp!.record(key, HopPoint.CSP_OUT, t + 200_000, { cspRegion: 'SOUTH' });
      rig!.record(key, HopPoint.CH_IN, t + 900_000, { deviceType: 'ESME' });
      rig!.record(key, HopPoint.HAN_OUT, t + 950_000);
      rig!.record(key, HopPoint.HAN_IN, t + 1_950_000);
      rig!.record(key, HopPoint.CH_OUT, t + 2_000_000);
      csp!.record(key, HopPoint.CSP_IN, t + 2_600_000);
      gw!.record(key, HopPoint.UG_OUT, t + 3_000_000, { code: 'I0' });
    }
  };

  it('joins hops from three agents into one record per journey, stored in PostgreSQL once each', async () => {
    const url = postgres.freshDatabase();
    collector = await startTestCollector(dir.path, { store: { file: url } });
    const [gw, csp, rig] = ['gw', 'csp-north', 'rig-1'].map((id) => startTestAgent(dir.path, id, collector!.brokerUrl));
    agents.push(gw!, csp!, rig!);
    stampJourneys(0, JOURNEYS, Date.now() * 1000);
    await Promise.all(agents.map((a) => a.drained(40_000)));
    await waitFor(() => collector!.store.listJourneys({ limit: 1000 }).length === JOURNEYS, 20_000, `${JOURNEYS} records`);
    for (const a of agents.splice(0)) await a.close();
    await collector.close();
    collector = undefined;

    // Read back through a connection of its own: what was committed, not what a cache holds.
    const store = openPostgresStore({ url });
    try {
      const records = store.listJourneys({ limit: 1000 });
      expect(new Set(records.map((r) => r.key)).size).toBe(JOURNEYS);
      expect(records.every((r) => r.outcome === 'success' && r.figures.rttUs === 3_000_000 && r.context.cspRegion === 'SOUTH')).toBe(true);
      expect(store.agentStatuses().map((s) => s.agentId).sort()).toEqual(['csp-north', 'gw', 'rig-1']);
    } finally {
      store.close();
    }
  });

  it('acknowledges nothing while PostgreSQL is down, and stores every journey once when it is back', async () => {
    const url = postgres.freshDatabase();
    collector = await startTestCollector(dir.path, { store: { file: url } });
    agents.push(...['gw', 'csp-north', 'rig-1'].map((id) => startTestAgent(dir.path, id, collector!.brokerUrl, { forward: { ackTimeoutMs: 500 } })));
    const t0 = Date.now() * 1000;
    stampJourneys(0, 100, t0);
    await waitFor(() => collector!.store.listJourneys({ limit: 1000 }).length === 100, 20_000, 'the first 100 records');

    postgres.server.pause();
    stampJourneys(100, JOURNEYS, t0);
    // A store of 64 partitions: agents let a partition's hops fill a batch for up to a second
    // before they buffer them, and nothing buffered is acknowledged while PostgreSQL is down.
    await waitFor(() => collector!.ingest.counters.storeFailures > 0 && agents.some((a) => a.status().buffer.batches > 0), 20_000, 'a failed commit, and batches waiting in an agent\'s buffer');
    postgres.server.resume();

    await Promise.all(agents.map((a) => a.drained(30_000)));
    const records = await waitFor(() => {
      const r = collector!.store.listJourneys({ limit: 1000 });
      return r.length >= JOURNEYS && r;
    }, 30_000, `${JOURNEYS} records`);
    expect(records).toHaveLength(JOURNEYS);
    expect(new Set(records.map((r) => r.key)).size).toBe(JOURNEYS);
    expect(records.every((r) => r.outcome === 'success' && r.figures.rttUs === 3_000_000)).toBe(true);
  });
});
