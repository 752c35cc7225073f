// GET /api/v1/throughput on a real collector: hops and batches counted per minute as ingest
// logs them (a resend counted once), and requests started per region from the activity
// minutes, in the step asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { journeyKey } from '../../agent/journey-key.js';
import { withPartition } from '../../proto/batch-partition.js';
import { partitionOfKey } from '../../proto/partition.js';
import { topics } from '../../proto/topics.js';
import { encodeTestBatch, keyText, type TestHop } from '../helpers/batches.js';
import { startTestCollector, writeThroughIngest } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { request, writeOf } from '../unit/metrics/harness.js';

const MINUTE_MS = 60_000;

describe('throughput API', () => {
  const dir = tempDir();
  let c: Collector;
  const get = async (url: string) => c.http.inject({ method: 'GET', url });
  const nowMs = Date.now();
  const thisMinute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 } });
    const hops = (n: number, base: number): TestHop[] => Array.from({ length: n }, (_, i) => ({ key: keyText(base + i), point: 'UG_IN', timeUs: (nowMs - 1000) * 1000 }));
    // keyText's keys share their User and device, so every batch here is of one partition.
    const partition = partitionOfKey(journeyKey(keyText(100)), 64);
    const first = withPartition(encodeTestBatch('gw', 1, hops(7, 100)), partition);
    const topic = topics.hops('gw', partition);
    expect(c.ingest.offer(topic, Buffer.from(first))).toBe(true);
    expect(c.ingest.offer(topic, Buffer.from(withPartition(encodeTestBatch('gw', 2, hops(5, 200)), partition)))).toBe(true);
    c.ingest.drain();
    // A resend of a logged batch is acknowledged again, not counted again.
    expect(c.ingest.offer(topic, Buffer.from(first))).toBe(true);
    c.ingest.drain();

    const records = [0, 1, 2].map((i) => request({ at: new Date(thisMinute - 2 * MINUTE_MS + i * 1000).toISOString(), srv: '4.1.1', rttMs: 2000, counter: 500 + i, context: { cspRegion: i === 2 ? 'NORTH' : 'SOUTH' } }, c.catalogue));
    const writes = records.map((r) => writeOf(r));
    writeThroughIngest(c, writes, nowMs);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('counts each logged batch and its hops once in the minute it arrived, and requests per region in the minute they started', async () => {
    const res = await get(`/api/v1/throughput?from=${new Date(thisMinute - 5 * MINUTE_MS).toISOString()}&to=${new Date(thisMinute + MINUTE_MS).toISOString()}&stepMinutes=1`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.stepSeconds).toBe(60);
    expect(body.rows).toHaveLength(6);
    const at = (ms: number) => body.rows.find((r: { at: string }) => r.at === new Date(ms).toISOString());
    expect(body.rows.reduce((n: number, r: { hops: number }) => n + r.hops, 0)).toBe(12);
    expect(at(thisMinute)).toMatchObject({ hops: 12, batches: 2 });
    expect(at(thisMinute - 2 * MINUTE_MS)).toMatchObject({ hops: 0, requests: { NORTH: 1, CENTRAL: 0, SOUTH: 2 } });
  });

  it('adds minutes into the step asked for, starting the first step at or before from', async () => {
    const res = await get(`/api/v1/throughput?from=${new Date(thisMinute - 5 * MINUTE_MS).toISOString()}&to=${new Date(thisMinute + MINUTE_MS).toISOString()}&stepMinutes=60`);
    const body = res.json();
    expect(body.stepSeconds).toBe(3600);
    expect(Date.parse(body.from) % 3_600_000).toBe(0);
    expect(body.rows.reduce((n: number, r: { hops: number; requests: { SOUTH: number } }) => n + r.hops + r.requests.SOUTH, 0)).toBe(14);
  });

  it('refuses a period over 7 days, a step it does not offer and a malformed time, saying which', async () => {
    const long = await get('/api/v1/throughput?from=2026-10-01&to=2026-10-09');
    expect(long.statusCode).toBe(400);
    expect(long.json().message).toMatch(/at most 7 days/);
    expect((await get('/api/v1/throughput?stepMinutes=2')).statusCode).toBe(400);
    expect((await get('/api/v1/throughput?from=yesterday')).json().message).toMatch(/from "yesterday"/);
  });
});
