// Wire version 2 against a real collector (embedded aedes, SQLite) and real agents: hops go out
// split by partition, each batch on its partition's topic, and join as before.
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import { startCollector, type Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { allPartitions, partitionOfKey } from '../../proto/partition.js';
import { hopsTopicOf, legacyTopics, topics } from '../../proto/topics.js';
import { AckStatus, WireBatchAck } from '../../proto/wire.js';
import { asVersion1, encodeTestBatch, keyText, reencodeTestBatch } from '../helpers/batches.js';
import { startTestAgent, startTestCollector, testCollectorConfig } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const nowUs = () => Date.now() * 1000;
const deviceKey = (i: number) => keyText(5000 + i, `00-DB-12-34-56-78-${i.toString(16).padStart(2, '0').toUpperCase()}-A0`);

describe('partitioned wire', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector | undefined;
  const agents: Agent[] = [];
  const clients: mqtt.MqttClient[] = [];

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.endAsync();
    for (const a of agents.splice(0)) await a.close();
    await collector?.close();
    collector = undefined;
    dir.cleanup();
  });

  const rawClient = async (url: string) => {
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };

  /** A raw client that publishes as `agentId` would, and the acks the collector sends it. */
  const ackListener = async (url: string, agentId: string) => {
    const client = await rawClient(url);
    const acks: { seq: number; status: number; reason: string }[] = [];
    client.on('message', (_t, payload) => {
      const a = WireBatchAck.decode(payload);
      acks.push({ seq: Number(a.seq), status: a.status, reason: a.reason });
    });
    await client.subscribeAsync(topics.ack(agentId), { qos: 1 });
    return { client, acks };
  };

  /** Stamps `count` complete journeys, one per device, and waits until all are recorded. */
  const stampJourneys = async (agent: Agent, count: number) => {
    const t0 = nowUs();
    for (let i = 0; i < count; i++) {
      const key = journeyKey(deviceKey(i));
      agent.record(key, HopPoint.UG_IN, t0 + i, { srv: '4.8.1' });
      agent.record(key, HopPoint.UG_OUT, t0 + 1000 + i, { code: 'I0' });
    }
    agent.flush();
    return waitFor(() => {
      const records = collector!.store.listJourneys({ limit: 1000 });
      return records.length === count && records;
    }, 10_000, `${count} records`);
  };

  it('sends an agent\'s hops on the topics of their partitions, and joins them into one record per journey', async () => {
    collector = await startTestCollector(dir.path, { ingest: { partitions: 64 } });
    const seen = new Map<number, number>();
    const listener = await rawClient(collector.brokerUrl);
    listener.on('message', (topic) => {
      const hops = hopsTopicOf(topic);
      if (hops) seen.set(hops.partition, (seen.get(hops.partition) ?? 0) + 1);
    });
    await listener.subscribeAsync(topics.allHops, { qos: 1 });
    const agent = startTestAgent(dir.path, 'gw', collector.brokerUrl);
    agents.push(agent);
    await waitFor(() => agent.status().connection === 'connected', 5000, 'the agent connected');

    const records = await stampJourneys(agent, 40);
    const expected = new Set(Array.from({ length: 40 }, (_, i) => partitionOfKey(journeyKey(deviceKey(i)), 64)));
    expect(expected.size).toBeGreaterThan(10);
    await waitFor(() => seen.size === expected.size, 5000, 'a batch on every partition\'s topic');
    expect(new Set(seen.keys())).toEqual(expected);
    expect(records.every((r) => r.outcome === 'success')).toBe(true);
    expect(collector.ingest.counters.batchesRejected).toBe(0);
  });

  it('rejects a batch holding a key of another partition than its topic\'s, or naming another, with a counted reason', async () => {
    // Holding all but one partition: a collector holding them all takes a batch by its keys (below).
    const key = keyText(7);
    const home = partitionOfKey(journeyKey(key), 64);
    const other = (home + 1) % 64;
    collector = await startCollector(testCollectorConfig(dir.path, { ingest: { partitions: 64 } }), { heldAtStart: allPartitions(64).filter((p) => p !== (home + 2) % 64) });
    const { client, acks } = await ackListener(collector.brokerUrl, 'rig');
    const bytes = encodeTestBatch('rig', 1, [{ key, point: 'UG_IN', timeUs: nowUs(), context: { srv: '4.8.1' } }]);
    await client.publishAsync(topics.hops('rig', other), Buffer.from(bytes), { qos: 1 });
    const namingAnother = reencodeTestBatch(bytes, { seq: 2, partition: other });
    await client.publishAsync(topics.hops('rig', home), Buffer.from(namingAnother), { qos: 1 });
    await client.publishAsync(topics.hops('rig', home), Buffer.from(reencodeTestBatch(bytes, { seq: 3, partition: home })), { qos: 1 });
    // A partition beyond the deployment's count is held by no one: rejected, not left unanswered
    // (no collector subscribes to its topic; this is what one would do if a broker delivered it).
    expect(collector.ingest.offer(topics.hops('rig', 64), Buffer.from(reencodeTestBatch(bytes, { seq: 4, partition: 64 })))).toBe(true);
    await waitFor(() => acks.length === 4, 5000, 'four acks');
    expect(acks.sort((a, b) => a.seq - b.seq)).toEqual([
      { seq: 1, status: AckStatus.REJECTED, reason: 'HW_COLLECTOR_WRONG_PARTITION' },
      { seq: 2, status: AckStatus.REJECTED, reason: 'HW_COLLECTOR_WRONG_PARTITION' },
      { seq: 3, status: AckStatus.STORED, reason: '' },
      { seq: 4, status: AckStatus.REJECTED, reason: 'HW_COLLECTOR_WRONG_PARTITION' },
    ]);
    expect(collector.ingest.counters.rejectedByReason).toEqual({ HW_COLLECTOR_WRONG_PARTITION: 3 });
  });

  it('takes in, while it holds every partition, a batch split by another count on any hops topic, by its keys', async () => {
    // The SQLite default: one partition. An agent that sealed batches before it heard that split them by 64.
    collector = await startTestCollector(dir.path);
    const { client, acks } = await ackListener(collector.brokerUrl, 'rig');
    const t = nowUs();
    for (let i = 0; i < 5; i++) {
      const key = deviceKey(i);
      const home = partitionOfKey(journeyKey(key), 64);
      const bytes = encodeTestBatch('rig', i + 1, [
        { key, point: 'UG_IN', timeUs: t + i, context: { srv: '4.8.1' } },
        { key, point: 'UG_OUT', timeUs: t + 1000 + i, context: { code: 'I0' } },
      ]);
      await client.publishAsync(topics.hops('rig', home), Buffer.from(reencodeTestBatch(bytes, { seq: i + 1, partition: home })), { qos: 1 });
    }
    await waitFor(() => acks.length === 5, 5000, 'five acks');
    expect(acks.every((a) => a.status === AckStatus.STORED)).toBe(true);
    expect(collector.store.listJourneys({ limit: 10 })).toHaveLength(5);
    expect(collector.store.partitionCount(64)).toBe(1);
  });

  it('has agents split by the partition count the collector announces, and keeps it for their next start', async () => {
    collector = await startTestCollector(dir.path, { ingest: { partitions: 16 } });
    const agent = startTestAgent(dir.path, 'gw', collector.brokerUrl);
    agents.push(agent);
    await waitFor(() => agent.status().partitions === 16, 5000, 'the agent to learn 16 partitions');
    const records = await stampJourneys(agent, 30);
    expect(records).toHaveLength(30);
    expect(collector.ingest.counters.batchesRejected).toBe(0);
    await agent.close();
    agents.length = 0;
    const again = startTestAgent(dir.path, 'gw', 'mqtt://127.0.0.1:1');
    agents.push(again);
    expect(again.status().partitions).toBe(16);
  });

  it('takes in a version-1 batch on version 1\'s hops topic while it holds every partition, and acknowledges it on the version-2 ack topic', async () => {
    collector = await startTestCollector(dir.path);
    const client = await rawClient(collector.brokerUrl);
    const acks: number[] = [];
    client.on('message', (_t, payload) => acks.push(WireBatchAck.decode(payload).status));
    await client.subscribeAsync(topics.ack('old-gw'), { qos: 1 });
    const t = nowUs();
    const v1 = asVersion1(encodeTestBatch('old-gw', 1, [
      { key: deviceKey(3), point: 'UG_IN', timeUs: t, context: { srv: '4.8.1' } },
      { key: deviceKey(3), point: 'UG_OUT', timeUs: t + 1000, context: { code: 'I0' } },
    ]));
    await client.publishAsync(legacyTopics.hops('old-gw'), Buffer.from(v1), { qos: 1 });
    await waitFor(() => acks.length === 1, 5000, 'the ack');
    expect(acks).toEqual([AckStatus.STORED]);
    expect(collector.store.journeysByKey(deviceKey(3))).toHaveLength(1);
  });
});
