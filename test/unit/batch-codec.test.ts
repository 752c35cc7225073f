import { describe, expect, it } from 'vitest';
import { encodeHops } from '../../agent/batch-encoder.js';
import { HopChunk } from '../../agent/hop-recorder.js';
import { journeyKey } from '../../agent/journey-key.js';
import { decodeBatch } from '../../collector/ingest/batch-decoder.js';
import { HopPoint } from '../../proto/hop-point.js';
import type { HopContext } from '../../proto/hop-context.js';
import { appendChecksum } from '../../proto/batch-checksum.js';
import { WireBatch, type WireBatchFields } from '../../proto/wire.js';
import { asVersion1, reencodeTestBatch } from '../helpers/batches.js';

const limits = { maxHopsPerBatch: 65_536, latestTimeUs: Date.parse('2030-01-01') * 1000 };
/** As the collector reads batches logged or buffered before version 2. */
const legacyLimits = { ...limits, allowLegacyVersion: true };
const T0 = Date.parse('2026-10-01T12:00:00Z') * 1000;

function chunkOf(hops: [string, number, number, HopContext?][]): HopChunk {
  const chunk = new HopChunk(hops.length);
  const keys = new Map<string, ReturnType<typeof journeyKey>>();
  for (const [text, point, time, ctx] of hops) {
    const key = keys.get(text) ?? journeyKey(text);
    keys.set(text, key);
    const i = chunk.length++;
    chunk.keys[i] = key;
    chunk.points[i] = point;
    chunk.timesUs[i] = time;
    chunk.contexts[i] = ctx;
  }
  return chunk;
}

const header = (seq = 1) => () => ({ agentId: 'rig-1', streamId: 42, seq: seq++ });

describe('batch codec', () => {
  it('round-trips keys, points, times, codes and context', () => {
    const a = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1660751141087';
    const b = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A1:18446744073709551615';
    const ctx: HopContext = { srv: '4.8.1', deviceType: 'ESME', deviceModel: 'EM-A1', cspRegion: 'NORTH', smetsGeneration: 'SMETS2' };
    const [batch] = encodeHops(chunkOf([
      [a, HopPoint.CH_IN, T0 + 10, ctx],
      [b, HopPoint.CH_IN, T0 + 5],
      [a, HopPoint.CH_OUT, T0 + 2_000_000.7, { code: 'I0' }],
    ]), 4096, header());

    const result = decodeBatch(batch!.bytes, 'rig-1', limits);

    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    const d = result.batch;
    expect({ agentId: d.agentId, streamId: d.streamId, seq: d.seq, hopCount: d.hopCount }).toEqual({ agentId: 'rig-1', streamId: 42, seq: 1, hopCount: 3 });
    const hops = Array.from({ length: d.hopCount }, (_, i) => [d.keys[d.hopKey[i]!]!.toString(), d.hopPoint[i], d.hopTimeUs[i], d.hopCode[i]]);
    expect(hops).toEqual([
      [b, HopPoint.CH_IN, T0 + 5, undefined],
      [a, HopPoint.CH_IN, T0 + 10, undefined],
      [a, HopPoint.CH_OUT, T0 + 2_000_000, 'I0'],
    ]);
    const row = (text: string) => d.keys.findIndex((k) => k.toString() === text);
    expect(d.keyContexts[row(a)]).toEqual(ctx);
    expect(d.keyContexts[row(b)]).toEqual({});
  });

  it('reads 64-bit seq and counters exactly up to 2^53, and rejects a seq beyond', () => {
    const top = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:9007199254740991';
    const low = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:7';
    const [batch] = encodeHops(chunkOf([[top, HopPoint.CH_IN, T0], [low, HopPoint.CH_IN, T0 + 1]]), 4096, header(2 ** 53 - 1));

    const good = decodeBatch(batch!.bytes, 'rig-1', limits);
    const beyond = decodeBatch(reencodeTestBatch(batch!.bytes, { seq: 2 ** 53 }), 'rig-1', limits);

    expect(good.ok && { seq: good.batch.seq, keys: good.batch.keys.map((k) => k.toString()) }).toEqual({ seq: 2 ** 53 - 1, keys: [top, low] });
    expect(beyond).toMatchObject({ ok: false, reason: 'HW_COLLECTOR_BAD_FIELD', detail: 'seq 9007199254740992 is not in 1..2^53' });
  });

  it('splits hops more than 71 minutes apart into separate batches', () => {
    const k = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1';
    const batches = encodeHops(chunkOf([[k, HopPoint.UG_IN, T0], [k, HopPoint.UG_OUT, T0 + 5_000 * 1e6]]), 4096, header());
    expect(batches.map((b) => b.seq)).toEqual([1, 2]);
    expect(batches.map((b) => b.hops)).toEqual([1, 1]);
  });

  it('costs under 8 bytes a hop for a full batch of two-hop journeys', () => {
    const hops: [string, number, number][] = [];
    for (let j = 0; j < 2048; j++) {
      const key = `90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-${(j >> 8).toString(16).padStart(2, '0')}-${(j & 255).toString(16).padStart(2, '0')}-A0:${1660751141087 + j * 7}`;
      hops.push([key, HopPoint.CH_IN, T0 + j * 50], [key, HopPoint.HAN_OUT, T0 + j * 50 + 20_000]);
    }
    const [batch] = encodeHops(chunkOf(hops), 4096, header());
    expect(batch!.bytes.length / 4096).toBeLessThan(8);
  });

  it('rejects a hop that refers to a key row no earlier hop has introduced', () => {
    const k = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1';
    const [good] = encodeHops(chunkOf([[k, HopPoint.UG_IN, T0], [k, HopPoint.UG_OUT, T0 + 10]]), 4096, header());
    const bad = reencodeTestBatch(good!.bytes, { hopKey: [2, 1] });
    expect(decodeBatch(bad, 'rig-1', limits)).toMatchObject({ ok: false, reason: 'HW_COLLECTOR_BAD_FIELD' });
  });

  it('leaves out the originator and profile columns when every key would hold 0', () => {
    const k = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1';
    const [batch] = encodeHops(chunkOf([[k, HopPoint.UG_IN, T0]]), 4096, header());
    const wire = WireBatch.decode(batch!.bytes);
    expect([wire.keyOriginator, wire.keyProfile]).toEqual([[], []]);
    expect(decodeBatch(batch!.bytes, 'rig-1', limits)).toMatchObject({ ok: true });
  });

  it('decodes a version 1 batch (one hi_delta per entry, key_target indexes) to the same hops as version 2', () => {
    const hops: [string, number, number][] = [];
    for (let j = 0; j < 300; j++) {
      const hi = j % 3 === 0 ? '00-DB-12-34' : '00-DC-00-01';
      const key = `90-B3-D5-1F-30-0${j % 2}-00-00:${hi}-56-78-${(255 - (j % 256)).toString(16).toUpperCase().padStart(2, '0')}-A0:${1660751141087 + j * 7}`;
      hops.push([key, HopPoint.CH_IN, T0 + j * 50], [key, HopPoint.HAN_OUT, T0 + j * 50 + 20_000]);
    }
    const [v2] = encodeHops(chunkOf(hops), 4096, header());
    const v1 = asVersion1(v2!.bytes);

    const [a, b] = [decodeBatch(v1, 'rig-1', legacyLimits), decodeBatch(v2!.bytes, 'rig-1', limits)];

    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.batch.keys.map(String)).toEqual(b.batch.keys.map(String));
    expect(b.batch.keys.map(String)).toEqual([...new Set(hops.map(([k]) => k))]);
  });

  it('writes a run of targets that share their first four bytes as one hi_delta', () => {
    const keys = [0xa0, 0x10, 0x55].map((lo) => `90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-${lo.toString(16).toUpperCase()}:1`);
    const [batch] = encodeHops(chunkOf(keys.map((k, i) => [k, HopPoint.CH_IN, T0 + i])), 4096, header());
    const targets = WireBatch.decode(batch!.bytes).targets!;
    expect([targets.hiDelta, targets.hiRun, targets.lo]).toEqual([[0x00db1234], [3], [0x56789010, 0x45, 0x4b]]);
  });

  interface Targets { hiDelta: number[]; hiRun: number[]; lo: number[] }
  type Change = (w: { targets: Targets; keyTargetDelta: number[] }) => Partial<WireBatchFields>;
  it.each<[string, Change, string]>([
    ['hi_run that does not add up to the entries', (w) => ({ targets: { ...w.targets, hiRun: [w.targets.hiRun[0]! + 1] } }), 'HW_COLLECTOR_BAD_FIELD'],
    ['a hi_run of 0', (w) => ({ targets: { ...w.targets, hiDelta: [...w.targets.hiDelta, 1], hiRun: [...w.targets.hiRun, 0] } }), 'HW_COLLECTOR_BAD_FIELD'],
    ['two runs with the same hi', (w) => ({ targets: { hiDelta: [w.targets.hiDelta[0]!, 0], hiRun: [1, 1], lo: [w.targets.lo[0]!, 5] } }), 'HW_COLLECTOR_BAD_FIELD'],
    ['key_target in a version 2 batch', (w) => ({ keyTarget: w.keyTargetDelta }), 'HW_COLLECTOR_BAD_FIELD'],
    ['key_target_delta in a version 1 batch', () => ({ version: 1 }), 'HW_COLLECTOR_BAD_FIELD'],
    ['a key_target_delta before the first target', () => ({ keyTargetDelta: [-1, 1] }), 'HW_COLLECTOR_BAD_FIELD'],
    ['version 3', () => ({ version: 3 }), 'HW_COLLECTOR_BAD_VERSION'],
  ])('rejects %s', (_name, change, reason) => {
    const k = (t: string) => `90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-${t}:1`;
    const [good] = encodeHops(chunkOf([[k('A0'), HopPoint.UG_IN, T0], [k('A1'), HopPoint.UG_IN, T0 + 10]]), 4096, header());
    const wire = WireBatch.decode(good!.bytes);
    const bad = reencodeTestBatch(good!.bytes, change({ targets: wire.targets as Targets, keyTargetDelta: wire.keyTargetDelta }));
    expect(decodeBatch(bad, 'rig-1', legacyLimits)).toMatchObject({ ok: false, reason });
  });

  it.each([
    ['garbage bytes', Buffer.from('not a protobuf at all \xff\xff\xff'), 'HW_COLLECTOR_BAD_CHECKSUM'],
    ['garbage bytes with a valid checksum field', appendChecksum(Buffer.from('not a protobuf at all \xff\xff\xff')), 'HW_COLLECTOR_UNDECODABLE'],
  ])('rejects %s with a reason', (_name, bytes, reason) => {
    const result = decodeBatch(bytes, 'rig-1', limits);
    expect(result).toMatchObject({ ok: false, reason });
  });
});
