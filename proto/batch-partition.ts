// Batch.partition (proto/hopwatch.proto), written onto an encoded, checksummed Batch: the
// partition field goes after the columns and the checksum is computed again. Protobuf readers
// take fields in any order, so the collector reads it as any other field (WireBatch.decode).
// Once per batch: one copy and one CRC over its bytes.
import { appendChecksum, CHECKSUM_BYTES } from './batch-checksum.js';

/** (19 << 3) | 0 as a varint: the partition field's tag. */
const TAG = [0x98, 0x01] as const;

/** `payload` (a Batch ending in its checksum, without a partition) with Batch.partition = `partition`. */
export function withPartition(payload: Uint8Array, partition: number): Uint8Array {
  const bodyLength = payload.length - CHECKSUM_BYTES;
  const field = [...TAG, ...varint(partition)];
  const body = new Uint8Array(bodyLength + field.length);
  body.set(payload.subarray(0, bodyLength), 0);
  body.set(field, bodyLength);
  return appendChecksum(body);
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}
