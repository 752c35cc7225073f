// Two collectors with --cluster on one PostgreSQL: a metric group (SRV, context, party) that one
// of them stored first is found by the other, whose journeys of that group are stored too,
// instead of its ticks failing on the group's unique signature.
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

const postgres = useTestPostgres();
const mqttSuite = useMosquitto();
const targetOf = (j: number) => `00-DB-12-34-56-78-${(j % 256).toString(16).padStart(2, '0').toUpperCase()}-A0`;

describe('collectors sharing a store', () => {
  it('store the journeys of a metric group that another collector created first', async () => {
    const url = postgres.freshDatabase();
    const over = (id: string) => ({ store: { file: url }, broker: { url: mqttSuite.mosquitto.url, clientId: `hw-${id}` }, ingest: { partitions: 2 }, cluster: { enabled: true, memberId: id, heartbeatMs: 200, leaseTtlMs: 1000 } });
    const a = await startTestCollector(join(mqttSuite.dir, 'a'), over('a'));
    const b = await startTestCollector(join(mqttSuite.dir, 'b'), over('b'));
    const agent = startTestAgent(mqttSuite.dir, 'gw-s', mqttSuite.mosquitto.url, { batch: { partitions: 2 }, forward: { ackTimeoutMs: 500 } });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await waitFor(() => a.partitions.held().length === 1 && b.partitions.held().length === 1, 10_000, 'one partition each');
      const keys = Array.from({ length: 40 }, (_, j) => keyText(900 + j, targetOf(j)));
      const p0 = keys.filter((k) => partitionOfKey(journeyKey(k), 2) === 0);
      const p1 = keys.filter((k) => partitionOfKey(journeyKey(k), 2) === 1);
      const send = (ks: string[], srv: string, t: number) => ks.forEach((k, j) => {
        agent.record(journeyKey(k), HopPoint.UG_IN, t + j, { srv });
        agent.record(journeyKey(k), HopPoint.UG_OUT, t + j + 2_000_000, { code: 'I0' });
      });
      const t = Date.now() * 1000;
      const count = async () => Number((await db.query('SELECT count(*) AS n FROM journeys')).rows[0].n);
      // Both collectors load the groups there are; then one adds the 2.2.2 group, then the other meets it.
      send([p0[0]!, p1[0]!], '1.1.1', t);
      await waitFor(async () => (await count()) === 2, 15_000, 'a journey in each partition');
      send([p0[1]!], '2.2.2', t + 10_000_000);
      await waitFor(async () => (await count()) === 3, 15_000, 'the 2.2.2 journey of partition 0');
      send([p1[1]!], '2.2.2', t + 20_000_000);
      await waitFor(async () => (await count()) === 4, 15_000, 'the 2.2.2 journey of partition 1');
      expect([a.ingest.counters.storeFailures, b.ingest.counters.storeFailures]).toEqual([0, 0]);
      const srvs = await db.query<{ srv: string; n: string }>('SELECT srv, count(*) AS n FROM metric_groups GROUP BY srv ORDER BY srv');
      expect(srvs.rows.map((r) => [r.srv, r.n])).toEqual([['1.1.1', '1'], ['2.2.2', '1']]);
    } finally {
      await db.end();
      await agent.close();
      await a.close();
      await b.close();
    }
  }, 90_000);
});
