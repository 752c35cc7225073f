// One collector with --cluster, in process, on a real PostgreSQL and Mosquitto: it refuses a
// store or broker that cannot be shared, and when another member takes one of its partitions
// behind its back the fence rolls its ticks back (nothing stored, nothing acknowledged), the
// partition is dropped at the next heartbeat, and once it is free again it is taken back and
// every journey is stored once.
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { journeyKey } from '../../../agent/journey-key.js';
import { waitFor } from '../../../common/wait-for.js';
import { HopPoint } from '../../../proto/hop-point.js';
import { partitionOfKey } from '../../../proto/partition.js';
import { keyText } from '../../helpers/batches.js';
import { useMosquitto } from '../../helpers/mosquitto-suite.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { startTestAgent, startTestCollector } from '../../helpers/system.js';

const PARTITIONS = 4;
const STOLEN = 2;
const JOURNEYS = 40;
// Long enough that a stolen lease is noticed only at the next heartbeat, after a tick met the fence.
const HEARTBEAT_MS = 2000;

const targetOf = (j: number) => `00-DB-12-34-56-78-${(j % 256).toString(16).padStart(2, '0').toUpperCase()}-A0`;

const postgres = useTestPostgres();
const mqttSuite = useMosquitto();

describe('a collector with --cluster', () => {
  it('refuses a SQLite store and the embedded broker', async () => {
    const sqlite = startTestCollector(join(mqttSuite.dir, 'c-sqlite'), { cluster: { enabled: true }, broker: { url: mqttSuite.mosquitto.url } });
    await expect(sqlite).rejects.toMatchObject({ code: 'HW_COLLECTOR_CONFIG', message: expect.stringContaining('a postgres:// store') });
    const embedded = startTestCollector(join(mqttSuite.dir, 'c-embedded'), { cluster: { enabled: true }, store: { file: postgres.freshDatabase() } });
    await expect(embedded).rejects.toMatchObject({ code: 'HW_COLLECTOR_CONFIG', message: expect.stringContaining('an external broker') });
  });

  it('commits nothing for a partition taken behind its back, drops it, and takes it back once it is free', async () => {
    const url = postgres.freshDatabase();
    const collector = await startTestCollector(join(mqttSuite.dir, 'c-fence'), {
      store: { file: url }, broker: { url: mqttSuite.mosquitto.url, clientId: 'hopwatch-fence' }, ingest: { partitions: PARTITIONS },
      cluster: { enabled: true, memberId: 'solo', heartbeatMs: HEARTBEAT_MS, leaseTtlMs: 60_000 },
    });
    const agent = startTestAgent(mqttSuite.dir, 'gw-fence', mqttSuite.mosquitto.url, { batch: { partitions: PARTITIONS }, forward: { ackTimeoutMs: 500 } });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await waitFor(() => collector.partitions.held().length === PARTITIONS, 10_000, 'every partition held');
      const stored = async () => (await db.query<{ key: string; n: string }>('SELECT key, count(*) AS n FROM journeys GROUP BY key')).rows;

      // Just after a renewal, so that the next heartbeat is HEARTBEAT_MS away.
      const renewedAt = async () => (await db.query<{ t: Date }>('SELECT renewed_at AS t FROM partition_leases WHERE partition = 0')).rows[0]!.t.getTime();
      const before = await renewedAt();
      await waitFor(async () => (await renewedAt()) !== before, 3 * HEARTBEAT_MS, 'a renewal');
      await db.query("UPDATE partition_leases SET owner = 'intruder', epoch = epoch + 1 WHERE partition = $1", [STOLEN]);

      const t = Date.now() * 1000;
      // Partitions follow originator and target: the targets differ so that every partition gets journeys.
      const keys = Array.from({ length: JOURNEYS }, (_, j) => keyText(500 + j, targetOf(j)));
      keys.forEach((text, j) => {
        const key = journeyKey(text);
        agent.record(key, HopPoint.UG_IN, t + j, { srv: '1.1.1' });
        agent.record(key, HopPoint.UG_OUT, t + j + 2_000_000, { code: 'I0' });
      });
      agent.flush();
      await waitFor(() => collector.ingest.counters.storeFailures > 0, HEARTBEAT_MS / 2, 'a tick refused by the fence');
      expect(await stored()).toEqual([]);

      // The next heartbeat sees the lease gone: the partition is dropped, the others commit.
      await waitFor(() => !collector.partitions.held().includes(STOLEN), 2 * HEARTBEAT_MS, 'the stolen partition dropped');
      expect(collector.partitions.held()).toEqual([0, 1, 3]);
      const inStolen = new Set(keys.filter((k) => partitionOfKey(journeyKey(k), PARTITIONS) === STOLEN));
      expect(inStolen.size).toBeGreaterThan(0);
      const others = await waitFor(async () => {
        const rows = await stored();
        return rows.length === JOURNEYS - inStolen.size && rows;
      }, 15_000, 'the journeys of the partitions still held');
      expect(others.filter((r) => inStolen.has(r.key))).toEqual([]);
      const metrics = await (await fetch(`${collector.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/^hopwatch_partition_leases_lost_total 1$/m);

      // Freed: the collector takes it back, and the agent's resent batches complete the rest.
      await db.query('UPDATE partition_leases SET owner = NULL, expires_at = now() WHERE partition = $1', [STOLEN]);
      await waitFor(() => collector.partitions.held().includes(STOLEN), 3 * HEARTBEAT_MS, 'the partition taken back');
      await agent.drained(15_000);
      const all = await waitFor(async () => {
        const rows = await stored();
        return rows.length === JOURNEYS && rows;
      }, 15_000, 'every journey stored');
      expect(all.map((r) => r.key).sort()).toEqual([...keys].sort());
      expect(all.every((r) => r.n === '1')).toBe(true);
      // Each renewal reports every held partition's lag: nothing waits once the agent has drained.
      const lag = await waitFor(async () => {
        const state = (await (await fetch(`${collector.httpUrl}/api/v1/cluster`)).json()) as { members: { id: string; lag: { partition: number; lagMs: number; queuedBatches: number }[] }[] };
        const reported = state.members.find((m) => m.id === 'solo')!.lag;
        return reported.length === PARTITIONS && reported;
      }, 3 * HEARTBEAT_MS, 'the lag of every partition reported');
      expect(lag).toEqual([0, 1, 2, 3].map((partition) => ({ partition, lagMs: 0, queuedBatches: 0 })));
      expect(await (await fetch(`${collector.httpUrl}/metrics`)).text()).toMatch(/^hopwatch_partition_lag_seconds\{partition="2"\} 0$/m);
    } finally {
      await db.end();
      await agent.close();
      await collector.close();
    }
  }, 60_000);
});
