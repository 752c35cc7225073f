// Two collectors with --cluster (built CLI, child processes) on one PostgreSQL and one Mosquitto,
// agents sending all along: the member sent SIGTERM exits within the shutdown bound, hands its
// partitions over on its way out (the other member has them well before their leases could run
// out), and every journey is stored once.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../../agent/agent.js';
import { journeyKey } from '../../../agent/journey-key.js';
import { spawnCollector, type CollectorProcess } from '../../../bench/collector-process.js';
import { freePort } from '../../../bench/mosquitto.js';
import { SHUTDOWN_BOUND_MS } from '../../../collector/collector.js';
import { waitFor } from '../../../common/wait-for.js';
import { HopPoint } from '../../../proto/hop-point.js';
import { keyText } from '../../helpers/batches.js';
import { clusterOf } from '../../helpers/cluster-state.js';
import { useMosquitto } from '../../helpers/mosquitto-suite.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { startTestAgent } from '../../helpers/system.js';

const HEARTBEAT_MS = 500;
/** Long, so that partitions the stopped member did not hand over would stay away from the other for longer than the test waits. */
const LEASE_TTL_MS = 60_000;
const PARTITIONS = 8;
const JOURNEYS_PER_STEP = 50;
const STEP_MS = 10;
/** Beyond the bound: a machine shared with other work. */
const EXIT_SLACK_MS = 2000;

const postgres = useTestPostgres();
const mqttSuite = useMosquitto();

const keyOf = (j: number) => keyText(300_000 + j, `00-DB-12-34-56-${((j >> 8) % 256).toString(16).padStart(2, '0').toUpperCase()}-${(j % 256).toString(16).padStart(2, '0').toUpperCase()}-A0`);

describe('a clustered collector under steady traffic', () => {
  const collectors: CollectorProcess[] = [];
  const agents: Agent[] = [];

  afterEach(async () => {
    for (const a of agents.splice(0)) await a.close();
    await Promise.all(collectors.splice(0).map((c) => c.kill('SIGKILL')));
  });

  it('exits within the shutdown bound after SIGTERM, handing its partitions over, and every journey is stored once', async () => {
    const store = postgres.freshDatabase();
    const start = async (id: string) => {
      const c = await spawnCollector([
        '--cluster', '--member-id', id, '--heartbeat-ms', String(HEARTBEAT_MS), '--lease-ttl-ms', String(LEASE_TTL_MS),
        '--store', store, '--broker', mqttSuite.mosquitto.url, '--client-id', `hopwatch-${id}`, '--partitions', String(PARTITIONS),
      ], await freePort(), 30_000);
      collectors.push(c);
      return c;
    };
    // One at a time: the first creates the schema.
    const m1 = await start('m1');
    const m2 = await start('m2');
    const shared = () => waitFor(async () => {
      const s = await clusterOf(m2);
      const live = s.members.filter((m) => m.live);
      return s.unowned.length === 0 && live.length > 0 && live.every((m) => m.partitions.length > 0) && live;
    }, 30_000, 'every partition owned');
    expect((await shared()).map((m) => m.id).sort()).toEqual(['m1', 'm2']);

    const agent = startTestAgent(mqttSuite.dir, 'gw-steady', mqttSuite.mosquitto.url, { forward: { ackTimeoutMs: 1000 }, batch: { partitions: PARTITIONS } });
    agents.push(agent);
    let stamped = 0;
    let sending = true;
    const traffic = (async () => {
      const t0 = Date.now() * 1000;
      while (sending) {
        for (let n = 0; n < JOURNEYS_PER_STEP; n++, stamped++) {
          const key = journeyKey(keyOf(stamped));
          agent.record(key, HopPoint.UG_IN, t0 + stamped * 100, { srv: '1.1.1' });
          agent.record(key, HopPoint.UG_OUT, t0 + stamped * 100 + 2_000_000, { code: 'I0' });
        }
        await new Promise((resolve) => setTimeout(resolve, STEP_MS));
      }
    })();

    const db = new pg.Client({ connectionString: store });
    await db.connect();
    try {
      const stored = async () => (await db.query<{ key: string; n: string }>('SELECT key, count(*) AS n FROM journeys GROUP BY key')).rows;
      await waitFor(async () => (await stored()).length >= 2000, 60_000, 'traffic flowing through both members');

      const signalledAt = performance.now();
      await m1.kill('SIGTERM');
      expect(performance.now() - signalledAt).toBeLessThan(SHUTDOWN_BOUND_MS + EXIT_SLACK_MS);
      collectors.splice(collectors.indexOf(m1), 1);
      // Handed over: m2 has every partition long before a lease of m1 could have run out.
      await waitFor(async () => (await clusterOf(m2)).members.find((m) => m.id === 'm2')?.partitions.length === PARTITIONS, 10_000, 'm2 holding every partition');

      await new Promise((resolve) => setTimeout(resolve, 1000));
      sending = false;
      await traffic;
      await agent.drained(60_000);
      const rows = await waitFor(async () => {
        const r = await stored();
        return r.length >= stamped && r;
      }, 60_000, 'every journey stored');
      expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
      expect(new Set(rows.map((r) => r.key))).toEqual(new Set(Array.from({ length: stamped }, (_, j) => keyOf(j))));
    } finally {
      await db.end();
    }
  }, 240_000);
});
