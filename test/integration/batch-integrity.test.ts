// Damaged batches against a real collector (real SQLite, the ingest pipeline): every mutation
// of a real batch is rejected before it is read, and the good batches beside them are stored.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { WireBatch } from '../../proto/wire.js';
import { encodeTestBatch, keyText, type TestHop } from '../helpers/batches.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const MUTATIONS = 10_000;
const GOOD = 200;
const TOPIC = 'hopwatch/v2/rig/hops/0';
/** Seven devices whose keys (with keyText's User) are in partition 0 of 64: a batch holds one partition's keys. */
const DEVICES_IN_PARTITION_0 = ['00-DB-12-34-56-00-61-A0', '00-DB-12-34-56-00-8F-A0', '00-DB-12-34-56-00-D4-A0', '00-DB-12-34-56-00-DC-A0',
  '00-DB-12-34-56-00-FC-A0', '00-DB-12-34-56-01-19-A0', '00-DB-12-34-56-01-C8-A0'];

/** Deterministic, so a failure can be replayed (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Journeys of two to four hops with context and codes, as an agent would batch them. */
function realBatches(streamId: number, count: number, firstCounter: number, t0: number): Uint8Array[] {
  return Array.from({ length: count }, (_, b) => {
    const hops: TestHop[] = [];
    for (let j = 0; j < 20; j++) {
      const key = keyText(firstCounter + b * 20 + j, DEVICES_IN_PARTITION_0[j % DEVICES_IN_PARTITION_0.length]);
      const t = t0 + b * 10_000 + j * 100;
      hops.push({ key, point: 'UG_IN', timeUs: t, context: { srv: '4.8.1', deviceType: 'ESME', userRole: 'IS' } });
      if (j % 2 === 0) hops.push({ key, point: 'UG_ACK', timeUs: t + 30, context: { code: 'I99' } });
      hops.push({ key, point: 'UG_OUT', timeUs: t + 50 + j, context: { code: 'I0' } });
    }
    return encodeTestBatch('rig', b + 1, hops, streamId);
  });
}

function flipBits(bytes: Uint8Array, bits: number, rnd: () => number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(rnd() * bytes.length * 8));
  for (const bit of chosen) out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One damaged copy of a real batch: flipped bits, two batches run together, or a spliced tail. */
function mutate(sources: readonly Uint8Array[], rnd: () => number): Uint8Array {
  const pick = () => sources[Math.floor(rnd() * sources.length)]!;
  const kind = rnd();
  if (kind < 0.4) return flipBits(pick(), 1, rnd);
  if (kind < 0.7) return flipBits(pick(), 2 + Math.floor(rnd() * 15), rnd);
  if (kind < 0.9) return concat(pick(), pick());
  const [a, b] = [pick(), pick()];
  return concat(a.subarray(0, Math.floor(rnd() * a.length)), b.subarray(Math.floor(rnd() * b.length)));
}

describe('batch integrity on the wire', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector | undefined;
  beforeEach(() => { dir = tempDir(); });
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    dir.cleanup();
  });

  it('rejects 10,000 bit-flipped, concatenated and spliced real batches and stores every good batch beside them', async () => {
    collector = await startTestCollector(dir.path);
    const t0 = (Date.now() - 60_000) * 1000;
    // The damaged batches come from another stream, so one stored by mistake could not hide
    // behind a good batch's (agent, stream, seq).
    const sources = realBatches(2, 50, 1_000_000, t0);
    const good = realBatches(1, GOOD, 1, t0);
    const goodHops = good.reduce((n, b) => n + WireBatch.decode(b).hopKey.length, 0);
    const rnd = random(20261128);
    const offer = (payload: Uint8Array) => {
      if (!collector!.ingest.offer(TOPIC, Buffer.from(payload))) {
        collector!.ingest.drain();
        expect(collector!.ingest.offer(TOPIC, Buffer.from(payload))).toBe(true);
      }
    };

    for (let i = 0; i < MUTATIONS; i++) {
      offer(mutate(sources, rnd));
      if (i % (MUTATIONS / GOOD) === 0) offer(good[i / (MUTATIONS / GOOD)]!);
    }
    collector.ingest.drain();

    const counters = collector.ingest.counters;
    expect(counters.rejectedByReason).toEqual({ HW_COLLECTOR_BAD_CHECKSUM: MUTATIONS });
    expect(counters.batchesRejected).toBe(MUTATIONS);
    expect(counters.batchesStored).toBe(GOOD);
    expect(counters.hopsStored).toBe(goodHops);
    const db = new Database(join(dir.path, 'collector.db'), { readonly: true });
    const logged = db.prepare('SELECT stream_id AS streamId, count(*) AS batches, sum(hops) AS hops FROM batches GROUP BY stream_id').all();
    db.close();
    expect(logged).toEqual([{ streamId: 1, batches: GOOD, hops: goodHops }]);
  });
});
