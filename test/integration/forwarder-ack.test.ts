// The agent's delivery path keeps a buffered batch until the collector's ack for it is
// processed: the broker's PUBACK alone deletes nothing, and an ack for another buffer file
// (another stream id) deletes nothing either. Real aedes broker on loopback, real SQLite buffer.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBufferStore, type BufferStore } from '../../agent/buffer-store.js';
import { createForwarder, type Forwarder } from '../../agent/forwarder.js';
import { maxPacketBytesFor, startEmbeddedBroker } from '../../collector/broker/embedded-broker.js';
import { createMqttDenials } from '../../collector/broker/mqtt-denials.js';
import { collectorDefaults } from '../../collector/config.js';
import type { BrokerLink } from '../../collector/broker/broker-link.js';
import { silentLogger } from '../../common/logger.js';
import { topics } from '../../proto/topics.js';
import { AckStatus, WireBatchAck } from '../../proto/wire.js';
import { tempDir } from '../helpers/temp-dir.js';

const AGENT = 'gw-ack-test';

/** Polls `done` every 20 ms, for at most 5 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(done()).toBe(true);
}

describe('agent forwarder and buffer', () => {
  const dir = tempDir();
  let link: BrokerLink;
  let store: BufferStore;
  let forwarder: Forwarder;
  const received: Buffer[] = [];

  beforeEach(async () => {
    const ignore = () => undefined;
    const limits = { ...collectorDefaults.broker.limits, maxPacketBytes: maxPacketBytesFor(collectorDefaults.ingest.maxBatchBytes) };
    link = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, logger: silentLogger, denials: createMqttDenials(), limits }, {
      onHops: (_topic, payload) => void received.push(payload), onStatus: ignore, onTimeRequest: ignore, onTimeSample: ignore,
    });
    store = openBufferStore({ file: join(dir.path, `buffer-${Date.now()}.db`), maxBytes: 1 << 20 });
    forwarder = createForwarder({
      agentId: AGENT, brokerUrl: link.agentUrl, store, logger: silentLogger, maxInFlight: 16, ackTimeoutMs: 60_000,
      reconnect: { initialMs: 50, maxMs: 500 }, status: () => ({ state: 'online' }), statusIntervalMs: 60_000,
    });
    await until(() => forwarder.state().kind === 'connected');
  });
  afterEach(async () => {
    await forwarder.close();
    store.close();
    await link.close();
    received.length = 0;
  });

  const ack = (seq: number, streamId = store.streamId) =>
    link.publish(topics.ack(AGENT), WireBatchAck.encode({ streamId, seq, status: AckStatus.STORED, reason: '', detail: '' }).finish(), 1);
  const buffered = () => store.readAfter(0, 100).map((b) => b.seq);

  it('deletes a batch only when the collector\'s ack for it is processed', async () => {
    const seqs = [store.nextSeq(), store.nextSeq(), store.nextSeq()];
    store.append(seqs.map((seq) => ({ seq, hops: 1, bytes: Uint8Array.of(seq) })));
    forwarder.wake();
    // At least once each: a batch published before the ack subscription is in place goes again.
    await until(() => received.length >= 3);
    // Published and PUBACKed by the broker, not acknowledged by the collector: all still buffered.
    await new Promise((r) => setTimeout(r, 100));
    expect(buffered()).toEqual(seqs);

    ack(seqs[1]!);
    await until(() => forwarder.counters().acked === 1 && store.counters().batches === 2);
    expect(buffered()).toEqual([seqs[0], seqs[2]]);
  });

  it('ignores an ack for another stream (a previous buffer file)', async () => {
    const seq = store.nextSeq();
    store.append([{ seq, hops: 1, bytes: Uint8Array.of(1) }]);
    forwarder.wake();
    await until(() => received.length >= 1);
    ack(seq, store.streamId + 1);
    await new Promise((r) => setTimeout(r, 200));
    expect([forwarder.counters().acked, buffered()]).toEqual([0, [seq]]);
    ack(seq);
    await until(() => forwarder.counters().acked === 1 && store.counters().batches === 0);
    expect(buffered()).toEqual([]);
  });
});
