// The shipped deploy/mosquitto configuration and ACL, run by the real Mosquitto: who may
// connect, what each credential may publish and subscribe to, and a collector and an agent
// working through it end to end over TLS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyKey } from '../../agent/journey-key.js';
import { startCollector } from '../../collector/collector.js';
import { loadCollectorConfig } from '../../collector/config.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { AckStatus, WireBatchAck } from '../../proto/wire.js';
import { keyText } from '../helpers/batches.js';
import { startShippedMosquitto, type DeployedMosquitto } from '../helpers/mosquitto-deploy.js';
import { seedAgentSecret } from '../helpers/agent-credentials.js';
import { startTestAgent, testCollectorConfig } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createTestPki, type TestPki } from '../helpers/tls.js';

const users = { 'gw-a': 'secret-a', 'gw-b': 'secret-b', 'hopwatch-collector': 'secret-collector' } as const;
type User = keyof typeof users;

describe('the shipped Mosquitto deployment', () => {
  let dir: ReturnType<typeof tempDir>;
  let pki: TestPki;
  let mosquitto: DeployedMosquitto;
  let ca: Buffer;
  const clients: mqtt.MqttClient[] = [];

  const connectAs = async (user: User) => {
    const client = await mqtt.connectAsync(mosquitto.url, {
      ca, username: user, password: users[user], reconnectPeriod: 0, connectTimeout: 5000, clientId: `${user}-${clients.length}`,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = tempDir();
    pki = createTestPki(dir.path);
    ca = readFileSync(pki.caFile);
    mosquitto = await startShippedMosquitto(dir.path, pki, users);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await mosquitto.stop();
    dir.cleanup();
  });

  it('refuses an anonymous CONNECT', async () => {
    await expect(mqtt.connectAsync(mosquitto.url, { ca, reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow(/Not authorized/);
  });

  it('refuses a wrong password', async () => {
    await expect(mqtt.connectAsync(mosquitto.url, { ca, username: 'gw-a', password: 'secret-b', reconnectPeriod: 0, connectTimeout: 5000 }))
      .rejects.toThrow(/Not authorized|Bad username or password/);
  });

  it('accepts a credential on the loopback listener for local tools too', async () => {
    const client = await mqtt.connectAsync(mosquitto.localUrl, { username: 'gw-a', password: users['gw-a'], reconnectPeriod: 0, connectTimeout: 5000 });
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('never delivers what agent A publishes on agent B\'s hops topic', async () => {
    const collector = await connectAs('hopwatch-collector');
    const received: string[] = [];
    collector.on('message', (topic) => received.push(topic));
    await collector.subscribeAsync('hopwatch/v2/+/hops/+', { qos: 1 });
    const a = await connectAs('gw-a');

    await a.publishAsync('hopwatch/v2/gw-b/hops/0', Buffer.from('forged'), { qos: 1 });
    // Published after the forged one on the same connection: once it arrives, the forged one would have too.
    await a.publishAsync('hopwatch/v2/gw-a/hops/0', Buffer.from('own'), { qos: 1 });
    await waitFor(() => received.includes('hopwatch/v2/gw-a/hops/0'), 5000, 'agent A\'s own batch');

    expect(received).toEqual(['hopwatch/v2/gw-a/hops/0']);
  });

  // Mosquitto 2.0's acl_file does not check subscriptions (its SUBACK grants any filter); read
  // access is checked for each message as it is delivered, so a filter reaching past the agent's
  // own topics receives nothing from them.
  it('delivers agent A nothing of agent B\'s through # or B\'s ack topic, only A\'s own', async () => {
    const a = await connectAs('gw-a');
    const received: string[] = [];
    a.on('message', (topic) => received.push(topic));
    await a.subscribeAsync(['#', 'hopwatch/v2/gw-b/ack', 'hopwatch/v2/gw-b/hops/0'], { qos: 1 });
    const b = await connectAs('gw-b');
    const collector = await connectAs('hopwatch-collector');
    const seenByCollector: string[] = [];
    collector.on('message', (topic) => seenByCollector.push(topic));
    await collector.subscribeAsync('hopwatch/v2/+/hops/+', { qos: 1 });

    await b.publishAsync('hopwatch/v2/gw-b/hops/0', Buffer.from('b batch'), { qos: 1 });
    await waitFor(() => seenByCollector.includes('hopwatch/v2/gw-b/hops/0'), 5000, 'agent B\'s batch at the collector');
    await collector.publishAsync('hopwatch/v2/gw-b/ack', Buffer.from('b ack'), { qos: 1 });
    // Published after B's ack on the same connection: once it arrives, B's would have too.
    await collector.publishAsync('hopwatch/v2/gw-a/ack', Buffer.from('a ack'), { qos: 1 });
    await waitFor(() => received.includes('hopwatch/v2/gw-a/ack'), 5000, 'agent A\'s own ack');

    expect(new Set(received)).toEqual(new Set(['hopwatch/v2/gw-a/ack']));
  });

  /** A collector on the broker with its own credential, as its flags would start it, holding gw-a's credential. */
  const startDeployedCollector = async (name: string) => {
    const collectorDir = join(dir.path, name);
    const config = loadCollectorConfig(undefined, {
      broker: mosquitto.url,
      'broker-username': 'hopwatch-collector',
      'broker-password': users['hopwatch-collector'],
      'broker-tls-ca': pki.caFile,
      'client-id': `hopwatch-collector-${name}`,
    }, testCollectorConfig(collectorDir));
    // The agent's Mosquitto password is its hopwatch secret: the collector signs its acks with it.
    await seedAgentSecret(collectorDir, 'gw-a', users['gw-a']);
    return startCollector(config);
  };
  const startAgentA = (bufferDir: string) =>
    startTestAgent(join(dir.path, bufferDir), 'gw-a', mosquitto.url, { broker: { username: 'gw-a', password: users['gw-a'], caFile: pki.caFile }, clock: { probeIntervalMs: 0 } });

  it('never delivers acks forged by agent B to agent A: A keeps every buffered batch until the collector stores it', async () => {
    const agent = startAgentA('forged');
    let collector: Awaited<ReturnType<typeof startDeployedCollector>> | undefined;
    try {
      await waitFor(() => agent.status().connection === 'connected', 10_000, 'agent A connected');
      const t = Date.now() * 1000;
      for (let i = 0; i < 50; i++) {
        const key = journeyKey(keyText(7000 + i));
        agent.record(key, HopPoint.UG_IN, t + i, { srv: '1.1.1' });
        agent.record(key, HopPoint.UG_OUT, t + i + 2_000_000, { code: 'I0' });
      }
      agent.flush();
      await waitFor(() => agent.status().buffer.hops === 100, 5000, 'the hops buffered');
      const { streamId } = agent.status();
      const b = await connectAs('gw-b');
      for (let seq = 1; seq <= 20; seq++) {
        for (const status of [AckStatus.STORED, AckStatus.REJECTED]) {
          await b.publishAsync('hopwatch/v2/gw-a/ack', Buffer.from(WireBatchAck.encode({ streamId, seq, status }).finish()), { qos: 1 });
        }
      }

      collector = await startDeployedCollector('collector-forged');
      await agent.drained(15_000);
      // The broker dropped every forged ack: the agent never even had to ignore one.
      expect(Object.values(agent.status().forward.ignoredAcks).reduce((x, y) => x + y, 0)).toBe(0);
      expect(agent.status().forward.rejected).toBe(0);
      expect(collector.ingest.counters.hopsStored).toBe(100);
    } finally {
      await agent.close();
      await collector?.close();
    }
  });

  it('carries a real agent\'s hops to a collector started with --broker mqtts:// and its credential, which stores the journey', async () => {
    const collector = await startDeployedCollector('collector');
    const agent = startAgentA('e2e');
    try {
      const key = journeyKey(keyText(4242));
      const t = Date.now() * 1000;
      agent.record(key, HopPoint.UG_IN, t, { srv: '1.1.1' });
      agent.record(key, HopPoint.UG_OUT, t + 2_500_000, { code: 'I0' });
      // Drained: the collector's ack came back through the broker on gw-a's ack topic.
      await agent.drained(15_000);
      const records = await waitFor(() => {
        const r = collector.store.listJourneys({ limit: 10 });
        return r.length === 1 && r;
      }, 10_000, 'the journey in the store');
      expect(records[0]).toMatchObject({ srv: '1.1.1', figures: { rttUs: 2_500_000 } });
      expect(agent.status().forward.acked).toBeGreaterThan(0);
    } finally {
      await agent.close();
      await collector.close();
    }
  });
});
