// The embedded broker's bounds (broker.limits), each refused and counted: connections,
// CONNECT time-out, packet size before and after a connection is accepted, QoS 1 messages in
// flight per client.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import type { CollectorConfig } from '../../collector/config.js';
import { deniedCount, seedAgents } from '../helpers/agent-credentials.js';
import { MAX_UNACCEPTED_PACKET_BYTES } from '../../collector/broker/connection-guard.js';
import { closedWithin, connectPacket, publishPacket, rawSocket, remainingLength } from '../../bench/mqtt-bytes.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('embedded broker bounds', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector;
  let secret: string;

  const start = async (limits: Partial<CollectorConfig['broker']['limits']>) => {
    collector = await startTestCollector(dir.path, { broker: { limits } });
  };

  beforeEach(async () => {
    dir = tempDir();
    secret = (await seedAgents(dir.path, ['agent-a']))['agent-a']!;
  });
  afterEach(async () => {
    await collector.close();
    dir.cleanup();
  });

  it('drops connections beyond maxConnections and counts them', async () => {
    await start({ maxConnections: 3 });
    const sockets = await Promise.all([1, 2, 3].map(() => rawSocket(collector.brokerUrl)));
    const extra = await rawSocket(collector.brokerUrl);
    expect(await closedWithin(extra, 1000)).toBe(true);
    expect(await deniedCount(collector.httpUrl, 'connect', 'max-connections')).toBe(1);
    for (const s of sockets) s.destroy();
  });

  it('closes a connection with no accepted CONNECT within connectTimeoutMs, even one trickling bytes', async () => {
    await start({ connectTimeoutMs: 300 });
    const silent = await rawSocket(collector.brokerUrl);
    const trickling = await rawSocket(collector.brokerUrl);
    const bytes = connectPacket({ clientId: 'hopwatch-agent-agent-a', username: 'agent-a', password: secret });
    let i = 0;
    const timer = setInterval(() => { if (i < bytes.length && !trickling.destroyed) trickling.write(bytes.subarray(i, ++i)); }, 50);
    const started = Date.now();
    expect(await closedWithin(silent, 2000)).toBe(true);
    expect(await closedWithin(trickling, 2000)).toBe(true);
    clearInterval(timer);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await deniedCount(collector.httpUrl, 'connect', 'connect-timeout')).toBe(2);
  });

  it('reads a packet\'s announced length across reads and refuses an oversized one split byte by byte', async () => {
    await start({});
    const socket = await rawSocket(collector.brokerUrl);
    const connack = new Promise((resolve) => socket.once('data', resolve));
    socket.write(connectPacket({ clientId: 'hopwatch-agent-agent-a', username: 'agent-a', password: secret }));
    await connack;
    for (const byte of [0x30, 0xff, 0xff, 0xff, 0x7f]) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await closedWithin(socket, 5000)).toBe(true);
    expect(await deniedCount(collector.httpUrl, 'packet', 'packet-size')).toBe(1);

    // A length that never ends (continuation on its fourth byte) is refused the same way.
    const endless = await rawSocket(collector.brokerUrl);
    endless.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]));
    expect(await closedWithin(endless, 5000)).toBe(true);
    expect(await deniedCount(collector.httpUrl, 'packet', 'packet-size')).toBe(2);
  });

  it('takes no packet over 64 KiB before a connection is accepted, and a batch-sized one after', async () => {
    await start({});
    const stranger = await rawSocket(collector.brokerUrl);
    stranger.write(Buffer.concat([Buffer.from([0x10]), remainingLength(MAX_UNACCEPTED_PACKET_BYTES + 1)]));
    expect(await closedWithin(stranger, 2000)).toBe(true);
    expect(await deniedCount(collector.httpUrl, 'packet', 'packet-size')).toBe(1);

    const agent = await rawSocket(collector.brokerUrl);
    const connack = new Promise((resolve) => agent.once('data', resolve));
    agent.write(connectPacket({ clientId: 'hopwatch-agent-agent-a', username: 'agent-a', password: secret }));
    await connack;
    agent.write(publishPacket({ topic: 'hopwatch/v2/agent-a/status', payload: Buffer.alloc(MAX_UNACCEPTED_PACKET_BYTES * 2, 0x20) }));
    expect(await closedWithin(agent, 500)).toBe(false);
    expect(await deniedCount(collector.httpUrl, 'packet', 'packet-size')).toBe(1);
    agent.destroy();
  });

  it('closes a client with more QoS 1 messages in flight than maxInFlightPerClient', async () => {
    await start({ maxInFlightPerClient: 4 });
    const socket = await rawSocket(collector.brokerUrl);
    const status = Buffer.from(JSON.stringify({ agentId: 'agent-a', state: 'online' }));
    const publishes = Array.from({ length: 20 }, (_, i) => publishPacket({ topic: 'hopwatch/v2/agent-a/status', payload: status, qos: 1, messageId: i + 1 }));
    // One write: the broker parses and dispatches a whole read at once.
    socket.write(Buffer.concat([connectPacket({ clientId: 'hopwatch-agent-agent-a', username: 'agent-a', password: secret }), ...publishes]));
    expect(await closedWithin(socket, 10_000)).toBe(true);
    expect(await deniedCount(collector.httpUrl, 'publish', 'in-flight')).toBe(1);
  });
});
