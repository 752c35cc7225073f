// 100,000 random and malformed CONNECT / PUBLISH / SUBSCRIBE packets, raw bytes over a few
// concurrent connections, at the authenticated embedded broker: it stays up, memory stays
// bounded, and a good agent's batches sent during and after the storm are all stored.
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { deniedCount, seedAgents } from '../helpers/agent-credentials.js';
import { keyText } from '../helpers/batches.js';
import { closedWithin, connectPacket, publishPacket, rawSocket, remainingLength, subscribePacket } from '../../bench/mqtt-bytes.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const PACKETS = 100_000;
const WORKERS = 4;
const DEADLINE_MS = 35_000;
/** Generous: the storm holds a few connections and their packets, never megabytes per packet. */
const MAX_RSS_GROWTH = 300 * 1024 * 1024;

/** mulberry32: a seeded generator, so a failing storm can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function createStorm(random: () => number, fuzzSecret: string) {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  // Random bytes are slices of one seeded pool: generating them byte by byte would cost more than the broker's work.
  const pool = Buffer.from(Array.from({ length: 1 << 16 }, () => int(256)));
  const bytes = (n: number) => {
    const at = int(pool.length - n);
    return pool.subarray(at, at + n);
  };
  const text = (n: number) => bytes(n).toString('latin1');
  const topics = [
    'hopwatch/v2/agent-a/hops/0', 'hopwatch/v2/agent-a/status', 'hopwatch/v2/agent-a/ack', 'hopwatch/v2/fuzz/hops/0', 'hopwatch/v2/fuzz/status',
    'hopwatch/v2/fuzz/time/req', 'hopwatch/v2/fuzz/time/sample', '#', 'hopwatch/#', 'hopwatch/v2/+/ack', '$SYS/x', '', 'a/'.repeat(150),
  ];
  const topic = () => (random() < 0.8 ? pick(topics) : text(int(40)));
  const goodConnect = () => connectPacket({ clientId: 'hopwatch-agent-fuzz', username: 'fuzz', password: fuzzSecret });
  const randomConnect = () => {
    const r = random();
    if (r < 0.002) return connectPacket({ clientId: 'hopwatch-agent-agent-a', username: 'agent-a', password: text(43) });
    if (r < 0.2) return connectPacket({ clientId: 'hopwatch-agent-agent-a', username: 'fuzz', password: fuzzSecret });
    if (r < 0.4) return connectPacket({ clientId: text(int(30)) });
    return connectPacket({ clientId: text(int(30)), username: text(int(20)), password: bytes(int(50)) });
  };
  const randomPublish = () => publishPacket({ topic: topic(), payload: bytes(int(2048)), qos: pick([0, 1] as const), messageId: 1 + int(65_535), retain: random() < 0.2 });
  const randomSubscribe = () => subscribePacket(int(65_536), Array.from({ length: 1 + int(4) }, topic));
  const mutate = (p: Buffer) => {
    const b = Buffer.from(p);
    const r = random();
    if (r < 0.4) { for (let i = 0; i < 1 + int(4); i++) b[int(b.length)] = int(256); return b; }
    if (r < 0.7) return b.subarray(0, int(b.length));
    // A header announcing up to 256 MB.
    return Buffer.concat([b.subarray(0, 1), remainingLength(int(268_435_455)), b.subarray(2)]);
  };
  const one = (): Buffer => {
    const r = random();
    if (r < 0.15) return randomConnect();
    if (r < 0.5) return randomPublish();
    if (r < 0.65) return randomSubscribe();
    if (r < 0.8) return bytes(1 + int(300));
    return mutate(pick([randomConnect, randomPublish, randomSubscribe])());
  };
  return {
    /** Whether the next connection logs in first, so that its packets reach the ACL. */
    logsIn: () => random() < 0.6,
    goodConnect,
    burst: (): Buffer[] => Array.from({ length: 20 + int(280) }, one),
  };
}

describe('embedded broker under a storm of malformed packets', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector;
  let agent: Agent | undefined;

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await agent?.close();
    await collector.close();
    dir.cleanup();
  });

  it('stays up with bounded memory and stores every batch of a good agent sent during and after it', async () => {
    const secrets = await seedAgents(dir.path, ['agent-a', 'fuzz']);
    collector = await startTestCollector(dir.path);
    agent = startTestAgent(dir.path, 'agent-a', collector.brokerUrl, { broker: { username: 'agent-a', password: secrets['agent-a'] } });
    const good = agent;
    let journeys = 0;
    const recordJourney = () => {
      const key = journeyKey(keyText(10_000 + journeys++));
      const t = Date.now() * 1000;
      good.record(key, HopPoint.UG_IN, t, { srv: '4.1.1' });
      good.record(key, HopPoint.UG_OUT, t + 1_000_000, { code: 'I0' });
    };

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
    const recorder = setInterval(recordJourney, 100);
    const storm = createStorm(seeded(20261128), secrets['fuzz']!);
    const deadline = Date.now() + DEADLINE_MS;
    let sent = 0;
    const worker = async () => {
      while (sent < PACKETS && Date.now() < deadline) {
        const socket = await rawSocket(collector.brokerUrl);
        if (storm.logsIn()) {
          // After its CONNACK, so that a malformed packet later in the burst cannot cut the login short.
          const connack = new Promise((resolve) => { socket.once('data', resolve); socket.once('close', resolve); });
          socket.write(storm.goodConnect());
          sent++;
          await Promise.race([connack, new Promise((resolve) => setTimeout(resolve, 1000))]);
        }
        const packets = storm.burst();
        sent += packets.length;
        socket.write(Buffer.concat(packets));
        await closedWithin(socket, 10);
        socket.destroy();
      }
    };
    try {
      await Promise.all(Array.from({ length: WORKERS }, worker));
    } finally {
      clearInterval(recorder);
      clearInterval(sampler);
    }
    const duringStorm = journeys;
    for (let i = 0; i < 20; i++) recordJourney();

    expect(sent).toBeGreaterThanOrEqual(PACKETS);
    expect(peak - baseline, `RSS grew by ${Math.round((peak - baseline) / 1048576)} MB`).toBeLessThan(MAX_RSS_GROWTH);
    expect(duringStorm).toBeGreaterThan(10);
    // The storm reached past authentication into the ACL.
    expect(await deniedCount(collector.httpUrl, 'connect', 'client-id')).toBeGreaterThan(0);
    expect(await deniedCount(collector.httpUrl, 'publish', 'topic')).toBeGreaterThan(0);
    expect(await deniedCount(collector.httpUrl, 'subscribe', 'topic')).toBeGreaterThan(0);
    await good.drained(20_000);
    await waitFor(() => collector.store.listJourneys({ limit: 1000 }).length === journeys, 20_000, `all ${journeys} journeys`);
    // Still serving: a well-behaved client connects and subscribes to its own acks.
    const client = await mqtt.connectAsync(collector.brokerUrl, { reconnectPeriod: 0, clientId: 'hopwatch-agent-fuzz', username: 'fuzz', password: secrets['fuzz'] });
    await client.subscribeAsync('hopwatch/v2/fuzz/ack', { qos: 1 });
    await client.endAsync();
  });
});
