// Three collectors (built CLI, child processes) with --cluster on one PostgreSQL store and one
// Mosquitto: they share the partitions; one is SIGKILLed while agents send, and the others take
// its partitions within the lease keeper's bound; a fourth joins and partitions move to it.
// Through all of it every journey is stored exactly once, counted in PostgreSQL by key.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../../agent/agent.js';
import { journeyKey } from '../../../agent/journey-key.js';
import { spawnCollector, type CollectorProcess } from '../../../bench/collector-process.js';
import { freePort } from '../../../bench/mosquitto.js';
import type { ClusterState } from '../../../collector/cluster/cluster-state.js';
import { waitFor } from '../../../common/wait-for.js';
import { HopPoint, type HopPointName } from '../../../proto/hop-point.js';
import { keyText } from '../../helpers/batches.js';
import { clusterOf } from '../../helpers/cluster-state.js';
import { useMosquitto } from '../../helpers/mosquitto-suite.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { startTestAgent } from '../../helpers/system.js';

const HEARTBEAT_MS = 300;
const LEASE_TTL_MS = 1200;
const PARTITIONS = 16;
/** Beyond the keeper's bound: the poll interval, and a machine shared with other work. */
const TAKEOVER_SLACK_MS = 3000;
const POINTS: [string, HopPointName, number][] = [
  ['gw', 'UG_IN', 0], ['gw', 'UG_ACK', 80], ['gw', 'DSP_OUT', 200], ['csp', 'CSP_OUT', 400], ['rig', 'CH_IN', 1400],
  ['rig', 'HAN_OUT', 1450], ['rig', 'HAN_IN', 2450], ['rig', 'CH_OUT', 2500], ['csp', 'CSP_IN', 3300], ['gw', 'DSP_IN', 3500], ['gw', 'UG_OUT', 3600],
];

// Partitions follow originator and target: the targets differ so that every partition gets journeys.
const keyOf = (j: number) => keyText(200_000 + j, `00-DB-12-34-56-78-${(j % 256).toString(16).padStart(2, '0').toUpperCase()}-A0`);

const postgres = useTestPostgres();
const mqttSuite = useMosquitto();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Partition → its live owner, as the members' leases say. */
const ownersOf = (state: ClusterState) => new Map(state.members.flatMap((m) => m.partitions.map((p) => [p, m.id] as const)));

describe('partitioned collectors on one PostgreSQL store and one broker', () => {
  const collectors = new Map<string, CollectorProcess>();
  const agents: Agent[] = [];

  afterEach(async () => {
    for (const a of agents) await a.close();
    // SIGKILL: a collector still handing partitions over must not outlive the test's PostgreSQL.
    await Promise.all([...collectors.values()].map((c) => c.kill('SIGKILL')));
  });

  it('takes a killed member\'s partitions within the lease bound and moves some to a new member, storing every journey once', async () => {
    const store = postgres.freshDatabase();
    const start = async (id: string) => {
      const args = [
        '--cluster', '--member-id', id, '--heartbeat-ms', String(HEARTBEAT_MS), '--lease-ttl-ms', String(LEASE_TTL_MS),
        '--store', store, '--broker', mqttSuite.mosquitto.url, '--client-id', `hopwatch-${id}`, '--partitions', String(PARTITIONS),
      ];
      collectors.set(id, await spawnCollector(args, await freePort(), 30_000));
    };
    // One at a time: the first creates the schema.
    for (const id of ['c1', 'c2', 'c3']) await start(id);
    const c1 = collectors.get('c1')!;
    const settled = (members: number) => waitFor(async () => {
      const state = await clusterOf(c1);
      const live = state.members.filter((m) => m.live);
      const counts = live.map((m) => m.partitions.length);
      return live.length === members && state.unowned.length === 0 && Math.max(...counts) - Math.min(...counts) <= 1 && state;
    }, 30_000, `${members} members sharing every partition`);
    const first = await settled(3);
    expect(first.partitionCount).toBe(PARTITIONS);
    expect(first.takeoverBoundMs).toBe(LEASE_TTL_MS + HEARTBEAT_MS);
    expect(first.members.map((m) => m.id).sort()).toEqual(['c1', 'c2', 'c3']);
    expect(first.members.every((m) => m.address.startsWith('http://127.0.0.1:'))).toBe(true);

    const byId: Record<string, Agent> = {};
    for (const id of ['gw', 'csp', 'rig']) {
      byId[id] = startTestAgent(mqttSuite.dir, id, mqttSuite.mosquitto.url, { forward: { ackTimeoutMs: 1000 }, batch: { partitions: PARTITIONS } });
      agents.push(byId[id]!);
    }
    const t0 = Date.now() * 1000;
    const stampRange = async (from: number, to: number) => {
      for (let j = from; j < to; j++) {
        const key = journeyKey(keyOf(j));
        for (const [agent, point, offsetMs] of POINTS) {
          const ctx = point === 'UG_IN' ? { srv: '4.1.1' } : point === 'UG_ACK' ? { code: 'I99' } : point === 'UG_OUT' ? { code: 'I0' } : undefined;
          byId[agent]!.record(key, HopPoint[point], t0 + j * 1000 + offsetMs * 1000, ctx);
        }
        if (j % 100 === 99) await pause(10);
      }
    };

    const db = new pg.Client({ connectionString: store });
    await db.connect();
    try {
      const stored = async () => (await db.query<{ key: string; n: string }>('SELECT key, count(*) AS n FROM journeys GROUP BY key')).rows;
      await stampRange(0, 600);
      await waitFor(async () => (await stored()).length >= 100, 20_000, 'some journeys stored');

      // c2 dies with journeys open and batches unacknowledged.
      const flowing = stampRange(600, 1200);
      await pause(30);
      const victim = first.members.find((m) => m.id === 'c2')!.partitions;
      expect(victim.length).toBeGreaterThan(0);
      await collectors.get('c2')!.kill('SIGKILL');
      const killedAt = performance.now();
      collectors.delete('c2');
      await waitFor(async () => {
        const owners = ownersOf(await clusterOf(c1));
        return victim.every((p) => owners.has(p) && owners.get(p) !== 'c2');
      }, first.takeoverBoundMs + TAKEOVER_SLACK_MS, 'the killed member\'s partitions taken by the others');
      expect(performance.now() - killedAt).toBeLessThanOrEqual(first.takeoverBoundMs + TAKEOVER_SLACK_MS);
      await flowing;
      await settled(2);

      // A new member: partitions move to it while agents keep sending.
      await start('c4');
      const moving = stampRange(1200, 1800);
      const third = await settled(3);
      await moving;
      expect(third.members.filter((m) => m.live).map((m) => m.id).sort()).toEqual(['c1', 'c3', 'c4']);
      expect(third.members.find((m) => m.id === 'c4')!.partitions.length).toBeGreaterThanOrEqual(Math.floor(PARTITIONS / 3));
      // Any member answers for all of them.
      const fromC4 = await clusterOf(collectors.get('c4')!);
      expect(fromC4.self).toBe('c4');
      expect(fromC4.members.filter((m) => m.live).map((m) => m.id).sort()).toEqual(['c1', 'c3', 'c4']);

      await Promise.all(agents.map((a) => a.drained(60_000)));
      const rows = await waitFor(async () => {
        const r = await stored();
        return r.length >= 1800 && r;
      }, 60_000, '1800 journeys stored');
      const expected = new Set(Array.from({ length: 1800 }, (_, j) => keyOf(j)));
      expect(rows.filter((r) => !expected.has(r.key))).toEqual([]);
      expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
      expect(rows).toHaveLength(1800);
      const outcomes = await db.query<{ outcome: string; rtt: number; n: string }>('SELECT outcome, rtt_us AS rtt, count(*) AS n FROM journeys GROUP BY outcome, rtt_us');
      expect(outcomes.rows).toEqual([{ outcome: 'success', rtt: 3_600_000, n: '1800' }]);
      // Hand-overs were clean: no commit was refused and no hand-over failed on the survivors.
      for (const [id, c] of collectors) {
        const metrics = await (await fetch(`${c.httpUrl}/metrics`)).text();
        const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
        expect({ id, storeFailures: value('hopwatch_store_failures_total'), callbackFailures: value('hopwatch_partition_lease_callback_failures_total') })
          .toEqual({ id, storeFailures: 0, callbackFailures: 0 });
      }
    } finally {
      await db.end();
    }
  }, 240_000);
});
