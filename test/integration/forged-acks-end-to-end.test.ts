// The whole path under attack on brokers with no ACL at all: a real collector that signs acks
// with the agent's key, a real agent with a secret, and an attacker client that publishes
// forged (and replayed) acks on the agent's ack topic. Nothing buffered may be lost; only the
// collector's signed acks and time answers count.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import { startCollector, type Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { deriveAckKey } from '../../common/ack-signature.js';
import { appendChecksum, signBatch } from '../../proto/batch-checksum.js';
import { HopPoint } from '../../proto/hop-point.js';
import { topics } from '../../proto/topics.js';
import { AckStatus, WireBatchAck, WireTimeSample } from '../../proto/wire.js';
import { seedAgentSecret, withCredentialStore } from '../helpers/agent-credentials.js';
import { encodeTestBatch, keyText } from '../helpers/batches.js';
import { useMosquitto } from '../helpers/mosquitto-suite.js';
import { startTestAgent, testCollectorConfig } from '../helpers/system.js';

const SECRET = 'agent secret from hopwatch agents add';
const HOPS_PER_BATCH = 20;

/** A collector holding a credential for `agentId` (so it signs that agent's acks and time answers). */
async function startSigningCollector(dir: string, agentId: string, broker: { url?: string; clientId?: string; port?: number }): Promise<Collector> {
  await seedAgentSecret(dir, agentId, SECRET);
  return startCollector(testCollectorConfig(dir, { broker }));
}

function startSecretAgent(dir: string, agentId: string, brokerUrl: string, ackTimeoutMs: number): Agent {
  return startTestAgent(dir, agentId, brokerUrl, {
    broker: { password: SECRET },
    batch: { maxHops: HOPS_PER_BATCH },
    forward: { maxInFlight: 8, ackTimeoutMs },
    clock: { probeIntervalMs: 0 },
  });
}

/** Stamps `journeys` two-hop journeys from `first` on; returns the hops stamped. */
function stampJourneys(agent: Agent, first: number, journeys: number): number {
  const t = Date.now() * 1000;
  for (let j = 0; j < journeys; j++) {
    const key = journeyKey(keyText(first + j));
    agent.record(key, HopPoint.UG_IN, t + j, { srv: '4.8.1' });
    agent.record(key, HopPoint.UG_OUT, t + j + 1_500_000, { code: 'I0' });
  }
  agent.flush();
  return 2 * journeys;
}

/** Hops the collector's batch log holds for the agent (read after the collector closed). */
function storedHops(dbFile: string, agentId: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT coalesce(sum(hops), 0) AS hops FROM batches WHERE agent_id = ?').get(agentId) as { hops: number }).hops;
  } finally {
    db.close();
  }
}

const ignoredTotal = (agent: Agent) => Object.values(agent.status().forward.ignoredAcks).reduce((a, b) => a + b, 0);

/** An attacker on the broker: reads the agent's stream id from its retained status and forges acks. */
async function connectAttacker(url: string, agentId: string) {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const captured: Buffer[] = [];
  let streamId: number | undefined;
  let forged = 0;
  client.on('message', (topic, payload) => {
    if (topic === topics.status(agentId)) streamId = (JSON.parse(payload.toString()) as { streamId?: number }).streamId ?? streamId;
    if (topic === topics.ack(agentId)) captured.push(payload);
  });
  await client.subscribeAsync([topics.status(agentId), topics.ack(agentId)], { qos: 1 });
  const send = (payload: Uint8Array) => {
    forged++;
    client.publish(topics.ack(agentId), Buffer.from(payload), { qos: 1 });
  };
  return {
    client,
    /** Genuine acks seen so far on the agent's ack topic (for replay). */
    captured,
    get forged() {
      return forged;
    },
    async streamId() {
      return waitFor(() => streamId, 10_000, 'the agent\'s retained status');
    },
    /** STORED, DUPLICATE and REJECTED for every seq in [from, to], unsigned and with a made-up MAC. */
    forgeRange(stream: number, from: number, to: number) {
      for (let seq = from; seq <= to; seq++) {
        for (const status of [AckStatus.STORED, AckStatus.DUPLICATE, AckStatus.REJECTED]) {
          send(WireBatchAck.encode({ streamId: stream, seq, status, reason: 'HW_COLLECTOR_BAD_TIME' }).finish());
          send(WireBatchAck.encode({ streamId: stream, seq, status, mac: Buffer.alloc(16, seq & 0xff) }).finish());
        }
      }
    },
    replay(acks: readonly Buffer[]) {
      for (const a of acks) send(a);
    },
    end: () => client.endAsync(),
  };
}

// The embedded broker enforces the topic ACL once any agent credential exists, so an attacker
// cannot publish on an agent's ack topic there (test/integration/broker-auth.test.ts).
describe('signed acks and time answers end to end, on a broker with no ACL', () => {
  const suite = useMosquitto();

  it('on Mosquitto, keeps every batch through forged and replayed acks while the collector is down, and delivers every hop when it is back', async () => {
    const agentId = 'gw-mosquitto';
    const cdir = join(suite.dir, 'mosquitto-collector');
    const broker = { url: suite.mosquitto.url, clientId: 'collector-forged-acks' };
    let collector = await startSigningCollector(cdir, agentId, broker);
    // Short ack time-out: what was in flight while the collector was down is sent again soon after.
    const agent = startSecretAgent(suite.dir, agentId, suite.mosquitto.url, 1000);
    const attacker = await connectAttacker(suite.mosquitto.url, agentId);
    let sent = 0;
    try {
      sent += stampJourneys(agent, 1, 100);
      await agent.drained(15_000);
      await waitFor(() => attacker.captured.length >= 10, 5000, 'genuine acks seen by the attacker');
      await collector.close();

      sent += stampJourneys(agent, 1000, 1000);
      const backlog = 2000 / HOPS_PER_BATCH;
      await waitFor(() => agent.status().buffer.batches === backlog && agent.status().forward.inFlight > 0, 10_000, 'the backlog buffered, some in flight');
      const stream = await attacker.streamId();
      const before = ignoredTotal(agent);
      attacker.forgeRange(stream, 1, backlog + 50);
      attacker.replay(attacker.captured);
      await waitFor(() => ignoredTotal(agent) - before === attacker.forged, 15_000, `${attacker.forged} forged acks ignored`);

      expect(agent.status().buffer).toMatchObject({ batches: backlog, hops: 2000, droppedBatches: 0 });
      expect(agent.status().forward.rejected).toBe(0);
      expect(agent.status().forward.ignoredAcks.badMac + agent.status().forward.ignoredAcks.unsigned).toBeGreaterThan(0);

      collector = await startSigningCollector(cdir, agentId, broker);
      await agent.drained(30_000);
    } finally {
      await attacker.end();
      await agent.close();
      await collector.close();
    }
    expect(storedHops(join(cdir, 'collector.db'), agentId)).toBe(sent);
  });

  it('on Mosquitto, drops batches forged under the agent\'s name unanswered, so its real batches of those seqs are stored', async () => {
    const agentId = 'gw-forged-batches';
    const cdir = join(suite.dir, 'forged-batches-collector');
    const collector = await startSigningCollector(cdir, agentId, { url: suite.mosquitto.url, clientId: 'collector-forged-batches' });
    const agent = startSecretAgent(suite.dir, agentId, suite.mosquitto.url, 5000);
    const attacker = await connectAttacker(suite.mosquitto.url, agentId);
    try {
      const stream = await attacker.streamId();
      // Seqs 1..10 before the agent has sent any: unsigned, with a made-up mac field, and well
      // formed but signed with another agent's key; and one that does not decode at all.
      const hop = (n: number) => [{ key: keyText(90_000 + n), point: 'UG_IN' as const, timeUs: Date.now() * 1000 }];
      let forged = 0;
      for (let seq = 1; seq <= 10; seq++) {
        const plain = encodeTestBatch(agentId, seq, hop(seq), stream);
        for (const payload of [plain, signBatch(plain, deriveAckKey('someone else\'s secret')), appendChecksum(new Uint8Array([0x08, 0xff]))]) {
          await attacker.client.publishAsync(topics.hops(agentId, 0), Buffer.from(payload), { qos: 1 });
          forged++;
        }
      }
      await waitFor(() => collector.ingest.counters.rejectedByReason.HW_COLLECTOR_BAD_MAC === forged, 10_000, `${forged} forged batches dropped`);
      expect(collector.ingest.counters.batchesStored).toBe(0);

      const sent = stampJourneys(agent, 1, 100);
      await agent.drained(15_000);
      expect(collector.ingest.counters.hopsStored).toBe(sent);
      expect(agent.status().forward).toMatchObject({ duplicates: 0, rejected: 0 });
    } finally {
      await attacker.end();
      await agent.close();
      await collector.close();
    }
  });

  it('on Mosquitto, ignores clock samples not signed by the agent, and batches of an agent whose credential was revoked', async () => {
    const agentId = 'gw-revoked';
    const cdir = join(suite.dir, 'revoked-collector');
    const collector = await startSigningCollector(cdir, agentId, { url: suite.mosquitto.url, clientId: 'collector-revoked' });
    const agent = startSecretAgent(suite.dir, agentId, suite.mosquitto.url, 5000);
    const attacker = await connectAttacker(suite.mosquitto.url, agentId);
    try {
      const forgedSample = WireTimeSample.encode({ t1Us: 1e15, t2Us: 1e15 + 5e6, t3Us: 1e15 + 5e6, t4Us: 1e15 + 1000, mac: Buffer.alloc(16, 7) }).finish();
      await attacker.client.publishAsync(topics.timeSample(agentId), Buffer.from(forgedSample), { qos: 1 });
      await attacker.client.publishAsync(topics.timeSample(agentId), Buffer.from(WireTimeSample.encode({ t1Us: 1e15, t2Us: 1e15, t3Us: 1e15, t4Us: 1e15 }).finish()), { qos: 1 });
      await waitFor(() => collector.timeServer.unsigned === 2, 10_000, 'two forged samples ignored');
      expect(collector.clocks.summaries(() => 0).find((c) => c.agentId === agentId)).toBeUndefined();

      await withCredentialStore(cdir, (store) => store.revoke(agentId, Date.now()));
      await waitFor(() => collector.agentAuthority.isRevoked(agentId), 5000, 'the revocation read');
      stampJourneys(agent, 1, 10);
      await waitFor(() => (collector.ingest.counters.rejectedByReason.HW_COLLECTOR_AGENT_REVOKED ?? 0) > 0, 10_000, 'the revoked agent\'s batches dropped');
      expect(collector.ingest.counters.batchesStored).toBe(0);
      expect(agent.status().buffer.hops).toBe(20);
    } finally {
      await attacker.end();
      await agent.close();
      await collector.close();
    }
  });

  it('uses the time answers of a collector that signs them', async () => {
    const agentId = 'gw-time';
    const collector = await startSigningCollector(join(suite.dir, 'time-collector'), agentId, { port: 0 });
    const agent = startTestAgent(suite.dir, agentId, collector.brokerUrl, { broker: { password: SECRET }, clock: { probeIntervalMs: 1000 } });
    try {
      await waitFor(() => agent.status().clock.probesAnswered >= 2, 10_000, 'two answered probes');
      expect(agent.status().clock.badAnswers).toBe(0);
    } finally {
      await agent.close();
      await collector.close();
    }
  });

  it('deletes nothing and counts unsigned acks and time answers when the collector holds no credential for an agent with a secret', async () => {
    const agentId = 'gw-unknown';
    const collector = await startCollector(testCollectorConfig(join(suite.dir, 'unsigned-collector'), { broker: { port: 0 } }));
    const agent = startTestAgent(suite.dir, agentId, collector.brokerUrl, { broker: { password: SECRET }, clock: { probeIntervalMs: 1000 } });
    try {
      const sent = stampJourneys(agent, 1, 10);
      await waitFor(() => collector.ingest.counters.hopsStored === sent && agent.status().forward.ignoredAcks.unsigned > 0, 10_000, 'batches stored, acks unsigned');
      await waitFor(() => agent.status().clock.badAnswers > 0, 10_000, 'an unsigned time answer');
      expect(agent.status().buffer.hops).toBe(sent);
      expect(agent.status().clock.probesAnswered).toBe(0);
    } finally {
      await agent.close();
      await collector.close();
    }
  });
});
