// Agent identity on the embedded broker: real aedes on 127.0.0.1, credentials in a real SQLite file.
import { deriveAckKey } from '../../common/ack-signature.js';
import { signBatch } from '../../proto/batch-checksum.js';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { deniedCount, seedAgents, withCredentialStore } from '../helpers/agent-credentials.js';
import { encodeTestBatch, keyText } from '../helpers/batches.js';
import { closedWithin, connectPacket, rawSocket, remainingLength } from '../../bench/mqtt-bytes.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const nowUs = () => Date.now() * 1000;

describe('agent identity on the embedded broker', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector;
  let secrets: Record<string, string>;
  const agents: Agent[] = [];
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    dir = tempDir();
    secrets = await seedAgents(dir.path, ['agent-a', 'agent-b']);
    collector = await startTestCollector(dir.path);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.end(true);
    for (const a of agents.splice(0)) await a.close();
    await collector.close();
    dir.cleanup();
  });

  const connect = async (options: IClientOptions) => {
    const client = await mqtt.connectAsync(collector.brokerUrl, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    clients.push(client);
    return client;
  };
  const asAgent = (agentId: string, over: IClientOptions = {}) =>
    connect({ clientId: `hopwatch-agent-${agentId}`, username: agentId, password: secrets[agentId], ...over });
  const refusalCode = (options: IClientOptions) => connect(options).then(() => 0, (err: { code?: number }) => err.code);
  const batch = (agentId: string, seq: number) => {
    const t = nowUs();
    // Signed as the agent would: the collector holds its credential, so it drops unsigned batches.
    return Buffer.from(signBatch(encodeTestBatch(agentId, seq, [
      { key: keyText(seq), point: 'UG_IN', timeUs: t, context: { srv: '2.2' } },
      { key: keyText(seq), point: 'UG_OUT', timeUs: t + 500_000, context: { code: 'I0' } },
    ]), deriveAckKey(secrets[agentId]!)));
  };

  it('refuses an anonymous CONNECT once agent credentials exist', async () => {
    expect(await refusalCode({ clientId: 'someone' })).toBe(5);
    expect(await deniedCount(collector.httpUrl, 'connect', 'anonymous')).toBe(1);
  });

  it('refuses an agent with a wrong secret', async () => {
    expect(await refusalCode({ clientId: 'hopwatch-agent-agent-a', username: 'agent-a', password: secrets['agent-b'] })).toBe(4);
    expect(await refusalCode({ clientId: 'hopwatch-agent-nobody', username: 'nobody', password: secrets['agent-a'] })).toBe(4);
    expect(await deniedCount(collector.httpUrl, 'connect', 'bad-credentials')).toBe(2);
  });

  it('refuses an address at once, without checking, after 20 failed logins in a minute', async () => {
    for (let i = 0; i < 20; i++) expect(await refusalCode({ clientId: 'hopwatch-agent-agent-a', username: 'agent-a', password: `guess ${i}` })).toBe(4);
    const checks = collector.agentAuthority.counters.slowVerifications;

    expect(await refusalCode({ clientId: 'hopwatch-agent-agent-a', username: 'agent-a', password: secrets['agent-a'] })).toBe(3);
    expect(collector.agentAuthority.counters.slowVerifications).toBe(checks);
    expect(await deniedCount(collector.httpUrl, 'connect', 'rate-limited')).toBe(1);
  });

  it('stores the journeys a real agent with its credential delivers', async () => {
    const agent = startTestAgent(dir.path, 'agent-a', collector.brokerUrl, { broker: { username: 'agent-a', password: secrets['agent-a'] } });
    agents.push(agent);
    const t = nowUs();
    for (let j = 0; j < 5; j++) {
      const key = journeyKey(keyText(100 + j));
      agent.record(key, HopPoint.UG_IN, t + j, { srv: '4.1.1' });
      agent.record(key, HopPoint.UG_OUT, t + 2_000_000 + j, { code: 'I0' });
    }
    await agent.drained(10_000);
    await waitFor(() => collector.store.listJourneys({ limit: 10 }).length === 5, 10_000, 'five journeys');
    expect(collector.ingest.counters.batchesStored).toBeGreaterThan(0);
  });

  it('cuts off an agent publishing on another agent\'s topic and stores nothing of it', async () => {
    const a = await asAgent('agent-a');
    const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
    a.publish('hopwatch/v2/agent-b/hops/0', batch('agent-b', 1), { qos: 1 });
    await closed;
    expect(await deniedCount(collector.httpUrl, 'publish', 'topic')).toBe(1);

    const a2 = await asAgent('agent-a');
    const closed2 = new Promise<void>((resolve) => a2.once('close', () => resolve()));
    a2.publish('hopwatch/v2/agent-b/status', JSON.stringify({ agentId: 'agent-b', state: 'offline' }), { qos: 1, retain: true });
    await closed2;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(collector.ingest.counters.batchesStored).toBe(0);
    expect(collector.store.agentStatuses().find((s) => s.agentId === 'agent-b')).toBeUndefined();
    expect(await deniedCount(collector.httpUrl, 'publish', 'topic')).toBe(2);
  });

  it('refuses subscriptions to wildcards and to another agent\'s acks, and grants the agent its own', async () => {
    const a = await asAgent('agent-a');
    const suback = new Promise<number[]>((resolve) => a.on('packetreceive', (p) => { if (p.cmd === 'suback') resolve(p.granted as number[]); }));
    a.subscribe(['#', 'hopwatch/v2/agent-b/ack', 'hopwatch/v2/+/ack', 'hopwatch/v2/agent-a/ack', 'hopwatch/v2/agent-a/time/resp'], { qos: 1 }, () => undefined);
    expect(await suback).toEqual([128, 128, 128, 1, 1]);
    expect(a.connected).toBe(true);
    expect(await deniedCount(collector.httpUrl, 'subscribe', 'topic')).toBe(3);
  });

  it('refuses a client with agent A\'s credential and agent B\'s client id, and leaves B connected', async () => {
    const b = await asAgent('agent-b');
    expect(await refusalCode({ clientId: 'hopwatch-agent-agent-b', username: 'agent-a', password: secrets['agent-a'] })).toBe(2);
    expect(await refusalCode({ clientId: 'hopwatch-agent-agent-b', username: 'agent-b', password: 'not-the-secret' })).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(b.connected).toBe(true);
    expect(await deniedCount(collector.httpUrl, 'connect', 'client-id')).toBe(1);
  });

  it('closes a revoked agent\'s session within the poll interval and refuses it from then on', async () => {
    const a = await asAgent('agent-a');
    const closed = new Promise<number>((resolve) => a.once('close', () => resolve(Date.now())));
    const revokedAt = Date.now();
    await withCredentialStore(dir.path, (store) => store.revoke('agent-a', Date.now()));
    expect((await closed) - revokedAt).toBeLessThan(3000);
    expect(await refusalCode({ clientId: 'hopwatch-agent-agent-a', username: 'agent-a', password: secrets['agent-a'] })).toBe(4);
    expect(await deniedCount(collector.httpUrl, 'session', 'revoked')).toBe(1);
  });

  it('closes the connection on a PUBLISH larger than the limit without buffering it', async () => {
    const socket = await rawSocket(collector.brokerUrl);
    socket.write(connectPacket({ clientId: 'hopwatch-agent-agent-a', username: 'agent-a', password: secrets['agent-a'] }));
    const announced = 200 * 1024 * 1024;
    const topic = Buffer.from('\x00\x16hopwatch/v2/agent-a/hops/0', 'latin1');
    socket.write(Buffer.concat([Buffer.from([0x30]), remainingLength(announced), topic]));
    const before = process.memoryUsage().rss;
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    let sent = 0;
    while (!socket.destroyed && sent < announced) {
      sent += chunk.length;
      if (!socket.write(chunk)) await new Promise((resolve) => { socket.once('drain', resolve); socket.once('close', resolve); });
    }
    expect(await closedWithin(socket, 2000)).toBe(true);
    expect(sent).toBeLessThan(announced);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(await deniedCount(collector.httpUrl, 'packet', 'packet-size')).toBe(1);
  });

  it('accepts a batch-sized PUBLISH just under the limit', async () => {
    const a = await asAgent('agent-a');
    const acks: Buffer[] = [];
    a.on('message', (_t, payload) => acks.push(payload));
    await a.subscribeAsync('hopwatch/v2/agent-a/ack', { qos: 1 });
    await a.publishAsync('hopwatch/v2/agent-a/hops/0', batch('agent-a', 7), { qos: 1 });
    await waitFor(() => acks.length === 1, 5000, 'the ack');
    expect(collector.ingest.counters.batchesStored).toBe(1);
    // One byte over ingest.maxBatchBytes is still a packet the broker takes (ingest rejects it with a reason).
    await a.publishAsync('hopwatch/v2/agent-a/hops/0', Buffer.alloc(4 * 1024 * 1024 + 1), { qos: 1 });
    await waitFor(() => acks.length === 2, 5000, 'the rejection');
    expect(collector.ingest.counters.rejectedByReason).toMatchObject({ HW_COLLECTOR_TOO_LARGE: 1 });
  });
});

describe('the embedded broker without agent credentials', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector;

  beforeEach(async () => {
    dir = tempDir();
    collector = await startTestCollector(dir.path);
  });
  afterEach(async () => {
    await collector.close();
    dir.cleanup();
  });

  it('lets anyone connect, as the zero-setup loopback demo needs, until the first agent is added', async () => {
    const anonymous = await mqtt.connectAsync(collector.brokerUrl, { reconnectPeriod: 0, clientId: 'anyone' });
    const closed = new Promise<void>((resolve) => anonymous.once('close', () => resolve()));
    await anonymous.subscribeAsync('hopwatch/v2/+/ack', { qos: 1 });

    await seedAgents(dir.path, ['agent-a']);
    await closed;
    expect(await deniedCount(collector.httpUrl, 'session', 'revoked')).toBe(1);
    const again = await mqtt.connectAsync(collector.brokerUrl, { reconnectPeriod: 0, clientId: 'anyone' }).then(() => 0, (err: { code?: number }) => err.code);
    expect(again).toBe(5);
  });

  it('refuses an anonymous 200 MB PUBLISH at its header, before buffering it', async () => {
    const socket = await rawSocket(collector.brokerUrl);
    socket.write(connectPacket({ clientId: 'anyone' }));
    socket.write(Buffer.concat([Buffer.from([0x30]), remainingLength(200 * 1024 * 1024), Buffer.from('\x00\x16hopwatch/v2/agent-a/hops/0', 'latin1')]));
    expect(await closedWithin(socket, 5000)).toBe(true);
    expect(await deniedCount(collector.httpUrl, 'packet', 'packet-size')).toBe(1);
  });
});
