// A batch sent again after its id has left the dedupe log (ingest.dedupeRetentionHours) is
// stored again as a batch, but its journey stays one record: records are keyed by the
// journey's key and start (migration 5's unique index), so the second write replaces the first.
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { AckStatus, WireBatchAck } from '../../proto/wire.js';
import { encodeTestBatch, keyText } from '../helpers/batches.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const DAY_MS = 86_400_000;

describe('a batch replayed after the dedupe retention', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector | undefined;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await collector?.close();
    dir.cleanup();
  });

  it('is stored again as a batch but leaves its journey one record', async () => {
    let shiftMs = 0;
    collector = await startTestCollector(dir.path, { ingest: { dedupeRetentionHours: 1, checkpointIntervalMs: 100 } }, () => Date.now() + shiftMs);
    const client = await mqtt.connectAsync(collector.brokerUrl, { reconnectPeriod: 0 });
    const acks: number[] = [];
    client.on('message', (_t, payload) => acks.push(WireBatchAck.decode(payload).status));
    await client.subscribeAsync('hopwatch/v2/gw/ack', { qos: 1 });
    const t = Date.now() * 1000;
    const journey = (seq: number, counter: number) => Buffer.from(encodeTestBatch('gw', seq, [
      { key: keyText(counter), point: 'UG_IN', timeUs: t + counter, context: { srv: '4.8.1' } },
      { key: keyText(counter), point: 'UG_OUT', timeUs: t + counter + 400_000, context: { code: 'I0' } },
    ]));
    const send = async (bytes: Buffer, acked: number) => {
      await client.publishAsync('hopwatch/v2/gw/hops/0', bytes, { qos: 1 });
      await waitFor(() => acks.length === acked && collector!.joiner.counters.completed === acked, 10_000, `ack and record ${acked}`);
    };
    const key = keyText(1);
    const records = () => collector!.store.listJourneys({ limit: 10 }).filter((j) => j.key === key);

    await send(journey(1, 1), 1);
    // Days on, the batch id has been pruned from the dedupe log at a checkpoint: the batch is
    // logged again, and whether the joiner still remembers the key (a late-hop lookup finds the
    // record) or meets it as new, the journey stays one record.
    shiftMs = 8 * DAY_MS;
    await send(journey(2, 2), 2);
    shiftMs = 8 * DAY_MS + 3_600_000;
    await send(journey(3, 3), 3);
    await send(journey(1, 1), 4);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await client.endAsync();

    expect(acks).toEqual([AckStatus.STORED, AckStatus.STORED, AckStatus.STORED, AckStatus.STORED]);
    expect(collector.ingest.counters).toMatchObject({ batchesStored: 4, batchesDuplicate: 0 });
    expect(records()).toHaveLength(1);
    expect(records()[0]).toMatchObject({ outcome: 'success' });
  });
});
