// An agent on a real aedes broker with no ACL; the test plays the collector (it sees the
// batches and answers with correctly signed acks) and an attacker on the same broker.
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import { batchAckMac, deriveAckKey, timeResponseMac } from '../../common/ack-signature.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { hopsTopicOf, topics } from '../../proto/topics.js';
import { AckStatus, WireBatch, WireBatchAck, WireTimeRequest, WireTimeResponse, WireTimeSample } from '../../proto/wire.js';
import { keyText } from '../helpers/batches.js';
import { startTestAgent } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const AGENT = 'gw-forged';
const SECRET = 'agent secret from hopwatch agents add';
const KEY = deriveAckKey(SECRET);
const BATCHES = 10;
const MAX_IN_FLIGHT = 4;
const STATUSES = [AckStatus.STORED, AckStatus.DUPLICATE, AckStatus.REJECTED];

interface Broker { url: string; close(): Promise<void> }

async function startAedes(): Promise<Broker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const ackBytes = (streamId: number, seq: number, status: number, mac?: Uint8Array) =>
  Buffer.from(WireBatchAck.encode({ streamId, seq, status, reason: status === AckStatus.REJECTED ? 'HW_COLLECTOR_BAD_TIME' : '', mac }).finish());
const signedAck = (streamId: number, seq: number, status: number) =>
  ackBytes(streamId, seq, status, batchAckMac(KEY, AGENT, streamId, seq, status, status === AckStatus.REJECTED ? 'HW_COLLECTOR_BAD_TIME' : ''));
const ignoredTotal = (agent: Agent) => Object.values(agent.status().forward.ignoredAcks).reduce((a, b) => a + b, 0);

/** Stamps BATCHES batches of 5 hops each and waits until the first MAX_IN_FLIGHT are published. */
async function bufferBatches(agent: Agent, seen: Map<number, number>): Promise<void> {
  const t = Date.now() * 1000;
  for (let i = 0; i < BATCHES * 5; i++) agent.record(journeyKey(keyText(500 + i)), HopPoint.UG_IN, t + i, { srv: '4.8.1' });
  agent.flush();
  await waitFor(() => agent.status().buffer.batches === BATCHES && seen.size === MAX_IN_FLIGHT, 10_000, 'batches buffered and in flight');
}

describe('forged acks and time answers on a broker without ACL', () => {
  let dir: ReturnType<typeof tempDir>;
  let broker: Broker;
  let peer: mqtt.MqttClient;
  /** seq -> stream id of every batch the agent published. */
  let seen: Map<number, number>;
  let agent: Agent | undefined;

  beforeEach(async () => {
    dir = tempDir();
    broker = await startAedes();
    seen = new Map();
    peer = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    peer.on('message', (topic, payload) => {
      if (hopsTopicOf(topic)?.agentId !== AGENT) return;
      const b = WireBatch.decode(payload);
      seen.set(Number(b.seq), b.streamId);
    });
    await peer.subscribeAsync(`hopwatch/v2/${AGENT}/hops/+`, { qos: 1 });
  });
  afterEach(async () => {
    await agent?.close();
    agent = undefined;
    await peer.endAsync();
    await broker.close();
    dir.cleanup();
  });

  const start = (over: Parameters<typeof startTestAgent>[3] = {}) =>
    (agent = startTestAgent(dir.path, AGENT, broker.url, {
      batch: { maxHops: 5 }, forward: { maxInFlight: MAX_IN_FLIGHT, ackTimeoutMs: 60_000 }, clock: { probeIntervalMs: 0 }, ...over,
    }));

  it('deletes nothing on unsigned, wrongly signed or stale acks, and counts each by reason', async () => {
    const a = start({ broker: { password: SECRET } });
    await bufferBatches(a, seen);
    const stream = a.status().streamId;
    const wrongKey = deriveAckKey('a guessed secret');
    let forged = 0;
    for (const status of STATUSES) {
      for (let seq = 1; seq <= 2 * BATCHES; seq++) {
        peer.publish(topics.ack(AGENT), ackBytes(stream, seq, status), { qos: 1 });
        peer.publish(topics.ack(AGENT), ackBytes(stream, seq, status, Buffer.alloc(16, 7)), { qos: 1 });
        peer.publish(topics.ack(AGENT), ackBytes(stream, seq, status, batchAckMac(wrongKey, AGENT, stream, seq, status, '')), { qos: 1 });
        peer.publish(topics.ack(AGENT), signedAck(stream + 1, seq, status), { qos: 1 });
        forged += 4;
      }
    }
    await waitFor(() => ignoredTotal(a) === forged, 10_000, `${forged} forged acks ignored`);

    const inFlightForged = STATUSES.length * MAX_IN_FLIGHT;
    expect(a.status().forward.ignoredAcks).toEqual({
      undecodable: 0,
      unknownStream: STATUSES.length * 2 * BATCHES,
      notInFlight: STATUSES.length * (2 * BATCHES - MAX_IN_FLIGHT) * 3,
      unsigned: inFlightForged,
      badMac: inFlightForged * 2,
    });
    expect(a.status().buffer.batches).toBe(BATCHES);
    expect(a.status().forward).toMatchObject({ acked: 0, duplicates: 0, rejected: 0, inFlight: MAX_IN_FLIGHT });
  });

  it('deletes a batch on a correctly signed STORED ack and drops one on a signed REJECTED ack, but not when it is not in flight', async () => {
    const a = start({ broker: { password: SECRET } });
    await bufferBatches(a, seen);
    const stream = a.status().streamId;
    peer.publish(topics.ack(AGENT), signedAck(stream, BATCHES, AckStatus.STORED), { qos: 1 });
    await waitFor(() => a.status().forward.ignoredAcks.notInFlight === 1, 5000, 'the signed ack for a batch not in flight ignored');
    expect(a.status().buffer.batches).toBe(BATCHES);

    peer.publish(topics.ack(AGENT), signedAck(stream, 1, AckStatus.STORED), { qos: 1 });
    peer.publish(topics.ack(AGENT), signedAck(stream, 2, AckStatus.REJECTED), { qos: 1 });
    await waitFor(() => a.status().buffer.batches === BATCHES - 2, 5000, 'two batches gone');
    expect(a.status().forward).toMatchObject({ acked: 1, rejected: 1, rejectedByReason: { HW_COLLECTOR_BAD_TIME: 1 } });
  });

  it('without a secret acts only on acks for batches in flight', async () => {
    const a = start();
    await bufferBatches(a, seen);
    const stream = a.status().streamId;
    for (let seq = MAX_IN_FLIGHT + 1; seq <= BATCHES; seq++) peer.publish(topics.ack(AGENT), ackBytes(stream, seq, AckStatus.STORED), { qos: 1 });
    await waitFor(() => a.status().forward.ignoredAcks.notInFlight === BATCHES - MAX_IN_FLIGHT, 5000, 'acks for the backlog ignored');
    expect(a.status().buffer.batches).toBe(BATCHES);

    peer.publish(topics.ack(AGENT), ackBytes(stream, 1, AckStatus.STORED), { qos: 1 });
    await waitFor(() => a.status().buffer.batches === BATCHES - 1, 5000, 'the in-flight batch acknowledged');
  });

  it('uses only a correctly signed time answer', async () => {
    const a = start({ broker: { password: SECRET }, clock: { probeIntervalMs: 1000 } });
    const samples: { t2Us: number; t3Us: number }[] = [];
    const answered = new Set<number>();
    peer.on('message', (topic, payload) => {
      if (topic === topics.timeSample(AGENT)) samples.push(WireTimeSample.decode(payload));
      if (topic !== topics.timeRequest(AGENT)) return;
      const req = WireTimeRequest.decode(payload);
      const forged = { seq: req.seq, t1Us: req.t1Us, t2Us: req.t1Us + 5e9, t3Us: req.t1Us + 5e9 };
      // Forged answers first, unsigned and with a wrong MAC; the second probe also gets the real one.
      peer.publish(topics.timeResponse(AGENT), Buffer.from(WireTimeResponse.encode(forged).finish()));
      peer.publish(topics.timeResponse(AGENT), Buffer.from(WireTimeResponse.encode({ ...forged, mac: Buffer.alloc(16, 1) }).finish()));
      answered.add(req.seq);
      if (answered.size < 2) return;
      const t2Us = req.t1Us + 100;
      const t3Us = req.t1Us + 200;
      const mac = timeResponseMac(KEY, AGENT, req.seq, req.t1Us, t2Us, t3Us);
      peer.publish(topics.timeResponse(AGENT), Buffer.from(WireTimeResponse.encode({ seq: req.seq, t1Us: req.t1Us, t2Us, t3Us, mac }).finish()));
    });
    await peer.subscribeAsync([topics.timeRequest(AGENT), topics.timeSample(AGENT)], { qos: 1 });

    await waitFor(() => samples.length >= 1, 10_000, 'a time sample from the signed answer');
    const clock = a.status().clock;
    expect(clock.badAnswers).toBeGreaterThanOrEqual(4);
    expect(clock.probesAnswered).toBe(samples.length);
    expect(samples.every((s) => s.t3Us - s.t2Us === 100)).toBe(true);
  });
});
