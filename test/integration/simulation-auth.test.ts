// The simulated fleet on a broker that wants agent credentials, as `hopwatch start` runs it once
// the demo's database has any: each simulated agent gets a credential of its own.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rotateAgentCredentials } from '../../collector/auth/issue-credential.js';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { simulationAgentIds, startSimulation, type Simulation } from '../../firmware-stubs/simulation.js';
import type { SimulationOptions } from '../../firmware-stubs/simulation-options.js';
import { deniedCount, seedAgents, withCredentialStore } from '../helpers/agent-credentials.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('simulated fleet with agent credentials', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector;
  let sim: Simulation | undefined;

  beforeEach(async () => {
    dir = tempDir('hopwatch-stubs-');
    await seedAgents(dir.path, ['someone-else']);
    collector = await startTestCollector(dir.path, { join: { settleMs: 100 } });
  });
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
    await collector.close();
    dir.cleanup();
  });

  it('names the fleet\'s agents before it starts, and delivers every journey once they have credentials', async () => {
    const options: SimulationOptions = {
      brokerUrl: collector.brokerUrl, dataDir: join(dir.path, 'agents'), mode: 'virtual',
      seed: 21, rigs: 2, requestsPerSecond: 3, alertsPerSecond: 0, durationMs: 5_000,
      failures: { e20Rate: 0, e21Rate: 0, noResponseRate: 0, alertLossRate: 0 },
    };
    const ids = simulationAgentIds(options);
    expect(ids).toContain('dcc-gateway');
    expect(ids).toHaveLength(new Set(ids).size);
    const brokerPasswords = await withCredentialStore(dir.path, (store) => rotateAgentCredentials(store, ids, Date.now()));
    collector.agentAuthority.refresh();

    sim = startSimulation({ ...options, brokerPasswords });
    await sim.runUntilIdle();
    await sim.drained(20_000);
    expect(new Set(sim.fleet.agents.map((a) => a.agentId))).toEqual(new Set(ids));
    const expected = [...sim.groundTruth].length;
    expect(expected).toBeGreaterThan(5);
    await waitFor(() => collector.store.listJourneys({ limit: 1000 }).length === expected, 15_000, `${expected} journeys`);
    expect(await deniedCount(collector.httpUrl, 'connect', 'anonymous')).toBe(0);
    expect(await deniedCount(collector.httpUrl, 'connect', 'bad-credentials')).toBe(0);
  });
});
