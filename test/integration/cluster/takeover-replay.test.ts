// Collectors with --cluster (built CLI, child processes) on one PostgreSQL and one Mosquitto,
// taking over the partitions of a member killed with a long log behind it: the takeover's
// replay runs for several lease periods, and meanwhile the members keep every lease they hold
// (no renewal starved, nothing taken over from a live member); a member sent SIGTERM in the
// middle of such a replay exits within the shutdown bound, and what it had not handed over is
// replayed by the next owner, every journey stored once.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCollector, type CollectorProcess } from '../../../bench/collector-process.js';
import { freePort } from '../../../bench/mosquitto.js';
import { SHUTDOWN_BOUND_MS } from '../../../collector/collector.js';
import { waitFor } from '../../../common/wait-for.js';
import { logJourneys } from '../../helpers/logged-journeys.js';
import { clusterOf } from '../../helpers/cluster-state.js';
import { useMosquitto } from '../../helpers/mosquitto-suite.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { parsePrometheusText } from '../../helpers/prometheus-text.js';

// The defaults: a commit waiting on a row lock that another member's transaction holds keeps the
// event loop, and the renewal, waiting too, for up to a few seconds on a loaded machine.
const HEARTBEAT_MS = 1000;
const LEASE_TTL_MS = 5000;
const PARTITIONS = 9;
/** Journeys tried for the log; those of the killed member's partitions are logged (about a third). */
const JOURNEYS = 90_000;
const HOPS_PER_BATCH = 500;
/** Beyond the bound: a machine shared with other work. */
const EXIT_SLACK_MS = 2000;

const postgres = useTestPostgres();
const mqttSuite = useMosquitto();

async function metric(c: CollectorProcess, name: string): Promise<number | undefined> {
  return parsePrometheusText(await (await fetch(`${c.httpUrl}/metrics`)).text()).find((s) => s.name === name)?.value;
}

describe('a takeover that replays a long log', () => {
  const collectors = new Map<string, CollectorProcess>();
  const clients: pg.Client[] = [];

  afterEach(async () => {
    for (const db of clients.splice(0)) await db.end();
    // SIGKILL: a member still replaying must not outlive the test's PostgreSQL.
    await Promise.all([...collectors.values()].map((c) => c.kill('SIGKILL')));
    collectors.clear();
  });

  const setUp = async (ids: readonly string[]) => {
    const store = postgres.freshDatabase();
    const start = async (id: string) => {
      const args = [
        '--cluster', '--member-id', id, '--heartbeat-ms', String(HEARTBEAT_MS), '--lease-ttl-ms', String(LEASE_TTL_MS),
        '--store', store, '--broker', mqttSuite.mosquitto.url, '--client-id', `hopwatch-${id}`, '--partitions', String(PARTITIONS),
      ];
      const c = await spawnCollector(args, await freePort(), 60_000);
      collectors.set(id, c);
      return c;
    };
    // One at a time: the first creates the schema.
    for (const id of ids) await start(id);
    const first = collectors.get(ids[0]!)!;
    const state = await waitFor(async () => {
      const s = await clusterOf(first);
      const counts = s.members.filter((m) => m.live).map((m) => m.partitions.length);
      return counts.length === ids.length && s.unowned.length === 0 && Math.max(...counts) - Math.min(...counts) <= 1 && s;
    }, 30_000, `${ids.length} members sharing every partition`);
    const db = new pg.Client({ connectionString: store });
    await db.connect();
    clients.push(db);
    const stored = async () => (await db.query<{ key: string; n: string }>('SELECT key, count(*) AS n FROM journeys GROUP BY key')).rows;
    /** Logs a long log for `victim`'s partitions, then kills it (SIGKILL) before it joins any of it. */
    const killWithLog = async (victim: string) => {
      const partitions = state.members.find((m) => m.id === victim)!.partitions;
      const keys = logJourneys(store, { partitionCount: PARTITIONS, partitions, journeys: JOURNEYS, hopsPerBatch: HOPS_PER_BATCH, agentId: 'gw-log' });
      await collectors.get(victim)!.kill('SIGKILL');
      collectors.delete(victim);
      return { partitions, keys, killedAt: performance.now() };
    };
    const owners = async () => (await db.query<{ partition: number; owner: string | null }>('SELECT partition, owner FROM partition_leases ORDER BY partition')).rows;
    return { start, stored, killWithLog, owners };
  };

  it('keeps renewing every lease while it replays, so no partition changes hands, and stores every logged journey once', async () => {
    const cluster = await setUp(['m1', 'm2', 'm3']);
    const { keys, killedAt } = await cluster.killWithLog('m2');
    expect(keys.length).toBeGreaterThan(25_000);

    const rows = await waitFor(async () => {
      const r = await cluster.stored();
      return r.length >= keys.length && r;
    }, 180_000, 'every logged journey stored');
    const replayMs = performance.now() - killedAt;
    // The replay outlasted a lease: a member that could not renew meanwhile would have lost its leases.
    expect(replayMs).toBeGreaterThan(LEASE_TTL_MS);
    expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(new Set(rows.map((r) => r.key))).toEqual(new Set(keys));

    for (const id of ['m1', 'm3']) {
      const c = collectors.get(id)!;
      expect({ id, lost: await metric(c, 'hopwatch_partition_leases_lost_total'), storeFailures: await metric(c, 'hopwatch_store_failures_total') })
        .toEqual({ id, lost: 0, storeFailures: 0 });
    }
  }, 300_000);

  it('exits within the shutdown bound when sent SIGTERM in the middle of the replay, and the next owner stores every logged journey once', async () => {
    const cluster = await setUp(['m1', 'm2']);
    const { partitions, keys } = await cluster.killWithLog('m2');
    const m1 = collectors.get('m1')!;
    // m1 holds the killed member's leases: its replay has begun.
    await waitFor(async () => {
      const owners = await cluster.owners();
      return partitions.every((p) => owners.find((o) => o.partition === p)?.owner === 'm1');
    }, 15_000, 'm1 taking the killed member\'s partitions');
    expect((await cluster.stored()).length).toBeLessThan(keys.length);

    const signalledAt = performance.now();
    await m1.kill('SIGTERM');
    const exitMs = performance.now() - signalledAt;
    collectors.delete('m1');
    expect(exitMs).toBeLessThan(SHUTDOWN_BOUND_MS + EXIT_SLACK_MS);

    await cluster.start('m3');
    const rows = await waitFor(async () => {
      const r = await cluster.stored();
      return r.length >= keys.length && r;
    }, 180_000, 'every logged journey stored by the next owner');
    expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(new Set(rows.map((r) => r.key))).toEqual(new Set(keys));
  }, 300_000);
});
