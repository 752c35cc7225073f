// The collector consuming from Mosquitto, and the wire contract exercised with Debian's
// own tools: protoc encodes the shipped example, mosquitto_pub publishes it, and a batch
// captured from the broker decodes with protoc --decode.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { journeyKey } from '../../agent/journey-key.js';
import { packageFile } from '../../common/paths.js';
import { HopPoint } from '../../proto/hop-point.js';
import { useMosquitto } from '../helpers/mosquitto-suite.js';
import { keyText } from '../helpers/batches.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { waitFor } from '../../common/wait-for.js';

const PROTO = packageFile('proto', 'hopwatch.proto');

describe('external broker (Mosquitto) and the wire contract', () => {
  const suite = useMosquitto();

  it('joins journeys that agents publish through Mosquitto', async () => {
    const collector = await startTestCollector(join(suite.dir, 'c1'), { broker: { url: suite.mosquitto.url, clientId: 'collector-test-1' } });
    const agent = startTestAgent(suite.dir, 'gw-ext', suite.mosquitto.url);
    try {
      const t = Date.now() * 1000;
      for (let j = 0; j < 20; j++) {
        const key = journeyKey(keyText(3000 + j));
        agent.record(key, HopPoint.UG_IN, t + j, { srv: '1.1.1' });
        agent.record(key, HopPoint.UG_OUT, t + j + 2_000_000, { code: 'I0' });
      }
      await agent.drained(15_000);
      const records = await waitFor(() => {
        const r = collector.store.listJourneys({ limit: 100 });
        return r.length === 20 && r;
      }, 10_000, '20 records');
      expect(records.every((r) => r.srv === '1.1.1' && r.figures.rttUs === 2_000_000)).toBe(true);
      expect(collector.ingest.counters.batchesDuplicate).toBe(0);
    } finally {
      await agent.close();
      await collector.close();
    }
  });

  it('accepts the example batch encoded by protoc and published by mosquitto_pub', async () => {
    const collector = await startTestCollector(join(suite.dir, 'c2'), { broker: { url: suite.mosquitto.url, clientId: 'collector-test-2' } });
    try {
      const bin = join(suite.dir, 'example.bin');
      const encoded = execFileSync('protoc', [`--proto_path=${packageFile('proto')}`, '--encode=hopwatch.v1.Batch', PROTO], {
        input: readFileSync(packageFile('proto', 'examples', 'batch.textproto')),
      });
      expect(encoded.length).toBeGreaterThan(0);
      writeFileSync(bin, encoded);
      execFileSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(suite.mosquitto.port), '-q', '1', '-t', 'hopwatch/v2/example-gw/hops/0', '-f', bin]);

      const key = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1795000000000';
      const res = await waitFor(async () => {
        const r = await fetch(`${collector.httpUrl}/api/v1/journeys/${key}`);
        return r.status === 200 && (await r.json()) as { journeys: { srv: string; outcome: string; figures: { rttUs: number; ackUs: number } }[] };
      }, 10_000, 'the example journey in the API');
      expect(res.journeys[0]).toMatchObject({ srv: '4.1.1', outcome: 'success', figures: { rttUs: 2_845_000, ackUs: 120_000 } });
    } finally {
      await collector.close();
    }
  });

  it('publishes batches that protoc --decode reads', async () => {
    const listener = await mqtt.connectAsync(suite.mosquitto.url, { reconnectPeriod: 0 });
    const captured = new Promise<Buffer>((resolve) => listener.on('message', (_t, payload) => resolve(payload)));
    await listener.subscribeAsync('hopwatch/v2/rig-capture/hops/0', { qos: 1 });
    const agent = startTestAgent(suite.dir, 'rig-capture', suite.mosquitto.url);
    try {
      agent.record(journeyKey(keyText(77)), HopPoint.CH_IN, Date.now() * 1000, { srv: '4.8.1', deviceType: 'GSME' });
      agent.flush();
      const payload = await captured;
      const text = execFileSync('protoc', [`--proto_path=${packageFile('proto')}`, '--decode=hopwatch.v1.Batch', PROTO], { input: payload }).toString();
      expect(text).toContain('agent_id: "rig-capture"');
      expect(text).toContain('hop_point: CH_IN');
      expect(text).toContain('"4.8.1"');
      expect(text).toContain('device_type: GSME');
    } finally {
      await agent.close();
      await listener.endAsync();
    }
  });
});
