// Builds real wire batches (agent encoder) and their decoded form (collector decoder).
import { encodeHops } from '../../agent/batch-encoder.js';
import { HopChunk } from '../../agent/hop-recorder.js';
import { journeyKey, type JourneyKey } from '../../agent/journey-key.js';
import { decodeBatch } from '../../collector/ingest/batch-decoder.js';
import type { DecodedBatch } from '../../collector/join/decoded-batch.js';
import type { HopContext } from '../../proto/hop-context.js';
import { HopPoint, type HopPointName } from '../../proto/hop-point.js';
import { appendChecksum } from '../../proto/batch-checksum.js';
import { WireBatch, type WireBatchFields } from '../../proto/wire.js';

export interface TestHop {
  readonly key: string;
  readonly point: HopPointName;
  readonly timeUs: number;
  readonly context?: HopContext;
}

const keys = new Map<string, JourneyKey>();

export function encodeTestBatch(agentId: string, seq: number, hops: readonly TestHop[], streamId = 1): Uint8Array {
  const chunk = new HopChunk(hops.length);
  for (const h of hops) {
    const i = chunk.length++;
    let key = keys.get(h.key);
    if (!key) keys.set(h.key, (key = journeyKey(h.key)));
    chunk.keys[i] = key;
    chunk.points[i] = HopPoint[h.point];
    chunk.timesUs[i] = h.timeUs;
    chunk.contexts[i] = h.context;
  }
  const batches = encodeHops(chunk, 65_536, () => ({ agentId, streamId, seq }));
  if (batches.length !== 1) throw new Error('test hops must fit one batch');
  return batches[0]!.bytes;
}

export function decodedTestBatch(agentId: string, seq: number, hops: readonly TestHop[], streamId = 1): DecodedBatch {
  const result = decodeBatch(encodeTestBatch(agentId, seq, hops, streamId), agentId, { maxHopsPerBatch: 65_536, latestTimeUs: Number.MAX_SAFE_INTEGER });
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
  return result.batch;
}

/** A real batch with some fields changed, encoded again with a checksum that matches. */
export function reencodeTestBatch(bytes: Uint8Array, changes: Partial<WireBatchFields>): Uint8Array {
  return appendChecksum(WireBatch.encode({ ...WireBatch.decode(bytes), ...changes, checksum: undefined }).finish());
}

/** A version 2 batch written as version 1 was: one hi_delta per EUI entry and key_target indexes. */
export function asVersion1(bytes: Uint8Array): Uint8Array {
  const wire = WireBatch.decode(bytes);
  const perEntry = (t: typeof wire.targets) => ({ hiDelta: t!.hiRun!.flatMap((n, r) => [t!.hiDelta![r]!, ...Array<number>(n - 1).fill(0)]), lo: t!.lo });
  let index = 0;
  return reencodeTestBatch(bytes, {
    version: 1, originators: perEntry(wire.originators), targets: perEntry(wire.targets),
    keyTargetDelta: [], keyTarget: wire.keyTargetDelta.map((d) => (index += d)),
  });
}

export const T0_US = Date.parse('2026-10-05T09:00:00Z') * 1000;

export function keyText(counter: number, target = '00-DB-12-34-56-78-90-A0'): string {
  return `90-B3-D5-1F-30-01-00-00:${target}:${counter}`;
}
