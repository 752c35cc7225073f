// Agents, the embedded broker, the collector and SQLite, all real, on loopback.
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import type { Collector } from '../../collector/collector.js';
import { HopPoint } from '../../proto/hop-point.js';
import { appendChecksum } from '../../proto/batch-checksum.js';
import { AckStatus, WireBatchAck } from '../../proto/wire.js';
import { encodeTestBatch, keyText, reencodeTestBatch } from '../helpers/batches.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../../common/wait-for.js';
import { freePort } from '../../bench/mosquitto.js';

const nowUs = () => Date.now() * 1000;

describe('pipeline on loopback', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector | undefined;
  const agents: Agent[] = [];

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.close();
    await collector?.close();
    collector = undefined;
    dir.cleanup();
  });

  const rawClient = async (url: string) => mqtt.connectAsync(url, { reconnectPeriod: 0 });

  it('joins hops stamped by three agents into one record per journey', async () => {
    collector = await startTestCollector(dir.path);
    const [gw, csp, rig] = ['gw', 'csp-north', 'rig-1'].map((id) => startTestAgent(dir.path, id, collector!.brokerUrl));
    agents.push(gw!, csp!, rig!);
    const t0 = nowUs();
    for (let j = 0; j < 50; j++) {
      const key = journeyKey(keyText(5000 + j));
      const t = t0 + j * 1000;
      gw!.record(key, HopPoint.UG_IN, t, { srv: '4.1.1' });
      csp!.record(key, HopPoint.CSP_OUT, t + 200_000, { cspRegion: 'SOUTH' });
      rig!.record(key, HopPoint.CH_IN, t + 900_000, { deviceType: 'ESME' });
      rig!.record(key, HopPoint.HAN_OUT, t + 950_000);
      rig!.record(key, HopPoint.HAN_IN, t + 1_950_000);
      rig!.record(key, HopPoint.CH_OUT, t + 2_000_000);
      csp!.record(key, HopPoint.CSP_IN, t + 2_600_000);
      gw!.record(key, HopPoint.UG_OUT, t + 3_000_000 + j, { code: 'I0' });
    }
    await Promise.all(agents.map((a) => a.drained(10_000)));

    const records = await waitFor(() => {
      const r = collector!.store.listJourneys({ limit: 100 });
      return r.length === 50 && r;
    }, 10_000, '50 records');

    for (const r of records) {
      const j = Number(r.key.split(':')[2]) - 5000;
      expect(r).toMatchObject({ srv: '4.1.1', outcome: 'success', code: 'I0', context: { cspRegion: 'SOUTH', deviceType: 'ESME' } });
      expect(r.figures).toMatchObject({ rttUs: 3_000_000 + j, hanUs: 1_000_000, dccUs: 2_000_000 + j });
      expect(r.crossAgent).toEqual([]);
      expect(r.segments.find((s) => s.from === 'CSP_OUT')?.crossAgent).toBe(true);
    }

    // The dashboard page, and the RSVP rows it reads (latest day's period, per SRV).
    const page = await fetch(`${collector.httpUrl}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/dashboard/app.js">');
    const rsvp = (await (await fetch(`${collector.httpUrl}/api/v1/rsvp?granularity=day`)).json()) as { rows: { period: string; srv: string; volume: number; successes: number; rttUs: { median: number } }[] };
    expect(rsvp.rows).toHaveLength(1);
    expect(rsvp.rows[0]).toMatchObject({ srv: '4.1.1', volume: 50, successes: 50, rttUs: { median: 3_000_024.5 } });
    expect(rsvp.rows[0]!.period).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('acknowledges a redelivered batch again and counts it once', async () => {
    collector = await startTestCollector(dir.path);
    const client = await rawClient(collector.brokerUrl);
    const acks: number[] = [];
    client.on('message', (_t, payload) => acks.push(WireBatchAck.decode(payload).status));
    await client.subscribeAsync('hopwatch/v1/gw/ack', { qos: 1 });
    const t = nowUs();
    const bytes = encodeTestBatch('gw', 1, [
      { key: keyText(1), point: 'UG_IN', timeUs: t, context: { srv: '2.2' } },
      { key: keyText(1), point: 'UG_OUT', timeUs: t + 500_000, context: { code: 'I0' } },
    ]);

    await client.publishAsync('hopwatch/v1/gw/hops', Buffer.from(bytes), { qos: 1 });
    await waitFor(() => acks.length === 1, 5000, 'first ack');
    await client.publishAsync('hopwatch/v1/gw/hops', Buffer.from(bytes), { qos: 1 });
    await waitFor(() => acks.length === 2, 5000, 'second ack');
    await client.endAsync();

    expect(acks).toEqual([AckStatus.STORED, AckStatus.DUPLICATE]);
    expect(collector.ingest.counters).toMatchObject({ batchesStored: 1, batchesDuplicate: 1, hopsStored: 2 });
    await waitFor(() => collector!.store.listJourneys({ limit: 10 }).length === 1, 5000, 'one record');
  });

  it('rejects bad batches with a counted reason and keeps the good batch beside them', async () => {
    collector = await startTestCollector(dir.path);
    const client = await rawClient(collector.brokerUrl);
    const acks: { status: number; reason: string; seq: number }[] = [];
    client.on('message', (_t, payload) => {
      const a = WireBatchAck.decode(payload);
      acks.push({ status: a.status, reason: a.reason, seq: Number(a.seq) });
    });
    await client.subscribeAsync('hopwatch/v1/rig/ack', { qos: 1 });
    const t = nowUs();
    const good = encodeTestBatch('rig', 3, [
      { key: keyText(7), point: 'UG_IN', timeUs: t, context: { srv: '2.2' } },
      { key: keyText(7), point: 'UG_OUT', timeUs: t + 1000, context: { code: 'I0' } },
    ]);
    const variant = (fields: Record<string, unknown>) => Buffer.from(reencodeTestBatch(good, fields));
    const bad: [string, Buffer][] = [
      ['HW_COLLECTOR_UNDECODABLE', Buffer.from(appendChecksum(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])))],
      ['HW_COLLECTOR_BAD_VERSION', variant({ version: 3, seq: 10 })],
      ['HW_COLLECTOR_MISSING_FIELD', variant({ hopKey: [], hopPoint: [], hopTimeDeltaUs: [], codeHopDelta: [], code: [], seq: 11 })],
      ['HW_COLLECTOR_BAD_TIME', variant({ baseTimeUs: 1_000_000, seq: 12 })],
      ['HW_COLLECTOR_BAD_TIME', variant({ baseTimeUs: t + 30 * 86_400_000_000, seq: 13 })],
      ['HW_COLLECTOR_BAD_FIELD', variant({ hopPoint: [1, 99], seq: 14 })],
      ['HW_COLLECTOR_AGENT_MISMATCH', variant({ agentId: 'someone-else', seq: 15 })],
      ['HW_COLLECTOR_BAD_CHECKSUM', Buffer.from(variant({ seq: 16 }).map((b, i) => (i === 20 ? b ^ 0x04 : b)))],
    ];

    for (const [, payload] of bad.slice(0, 4)) await client.publishAsync('hopwatch/v1/rig/hops', payload, { qos: 1 });
    await client.publishAsync('hopwatch/v1/rig/hops', Buffer.from(good), { qos: 1 });
    for (const [, payload] of bad.slice(4)) await client.publishAsync('hopwatch/v1/rig/hops', payload, { qos: 1 });
    await waitFor(() => acks.length === bad.length + 1, 5000, 'all acks');
    await client.endAsync();

    expect(acks.filter((a) => a.status === AckStatus.STORED).map((a) => a.seq)).toEqual([3]);
    expect(acks.filter((a) => a.status === AckStatus.REJECTED).map((a) => a.reason).sort()).toEqual(bad.map(([r]) => r).sort());
    expect(collector.ingest.counters.rejectedByReason).toEqual({
      HW_COLLECTOR_UNDECODABLE: 1, HW_COLLECTOR_BAD_VERSION: 1, HW_COLLECTOR_MISSING_FIELD: 1, HW_COLLECTOR_BAD_TIME: 2,
      HW_COLLECTOR_BAD_FIELD: 1, HW_COLLECTOR_AGENT_MISMATCH: 1, HW_COLLECTOR_BAD_CHECKSUM: 1,
    });
    const journeys = await waitFor(() => {
      const r = collector!.store.listJourneys({ limit: 10 });
      return r.length === 1 && r;
    }, 5000, 'the good journey');
    expect(journeys[0]?.key).toBe(keyText(7));
    const metrics = await fetch(`${collector.httpUrl}/metrics`).then((r) => r.text());
    expect(metrics).toContain('hopwatch_rejected_batches_total{reason="HW_COLLECTOR_BAD_TIME"} 2');
  });

  it('buffers in the agent while the collector is down and drains everything when it comes back', async () => {
    const port = await freePort();
    const agent = startTestAgent(dir.path, 'rig-2', `mqtt://127.0.0.1:${port}`);
    agents.push(agent);
    const t = nowUs();
    for (let j = 0; j < 200; j++) {
      const key = journeyKey(keyText(9000 + j));
      agent.record(key, HopPoint.UG_IN, t + j, { srv: '4.1.1' });
      agent.record(key, HopPoint.UG_OUT, t + j + 1_000_000, { code: 'I0' });
    }
    agent.flush();
    await waitFor(() => agent.status().buffer.hops === 400, 5000, 'hops buffered');
    expect(agent.status().connection).not.toBe('connected');

    collector = await startTestCollector(dir.path, { broker: { port } });
    await agent.drained(15_000);

    expect(agent.status().buffer).toMatchObject({ batches: 0, hops: 0, droppedHops: 0 });
    await waitFor(() => collector!.store.listJourneys({ limit: 1000 }).length === 200, 10_000, '200 records');
  });

  it('answers a bad query parameter with a 400 that names it', async () => {
    collector = await startTestCollector(dir.path);
    const res = await collector.http.inject({ method: 'GET', url: '/api/v1/journeys?limit=0&outcome=maybe' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'HW_COLLECTOR_BAD_QUERY' });
    expect(res.json().message).toMatch(/limit|outcome/);
    const bad = await collector.http.inject({ method: 'GET', url: '/api/v1/journeys?from=yesterday' });
    expect(bad.json()).toEqual({ error: 'HW_COLLECTOR_BAD_QUERY', message: 'from "yesterday" is not an ISO 8601 date or date-time' });
  });
});
