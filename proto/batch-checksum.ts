// Batch.checksum (proto/hopwatch.proto), both directions: the agent appends it to an encoded
// Batch, the collector checks it before decoding. It is always the last six bytes: the tag of
// field 2047 (wire type fixed32) and the CRC-32C of every byte before it, little-endian.
// One pass over the batch's bytes each way: per batch, never per hop.
// Batch.mac (an agent with a secret) sits just before the checksum: signBatch adds it as the
// batch is sent, checkBatchMac checks it once the checksum is known good.
import { batchMac, MAC_BYTES, macMatches } from '../common/ack-signature.js';
import { crc32c } from '../common/crc32c.js';

/** (2047 << 3) | 5 as a varint. */
const TAG_0 = 0xfd;
const TAG_1 = 0x7f;
export const CHECKSUM_BYTES = 6;

/** `body` (an encoded Batch without a checksum) followed by its checksum field. */
export function appendChecksum(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + CHECKSUM_BYTES);
  out.set(body, 0);
  const n = body.length;
  const crc = crc32c(body);
  out[n] = TAG_0;
  out[n + 1] = TAG_1;
  out[n + 2] = crc & 0xff;
  out[n + 3] = (crc >>> 8) & 0xff;
  out[n + 4] = (crc >>> 16) & 0xff;
  out[n + 5] = crc >>> 24;
  return out;
}

export type ChecksumResult =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly missing: boolean; readonly detail: string };

/** The bytes the checksum covers when it is present and right; otherwise why not. */
export function checkChecksum(payload: Uint8Array): ChecksumResult {
  const n = payload.length - CHECKSUM_BYTES;
  if (n < 0 || payload[n] !== TAG_0 || payload[n + 1] !== TAG_1) {
    return { ok: false, missing: true, detail: `the batch (${payload.length} bytes) does not end in its checksum field` };
  }
  const stated = (payload[n + 2]! | (payload[n + 3]! << 8) | (payload[n + 4]! << 16) | (payload[n + 5]! << 24)) >>> 0;
  const body = payload.subarray(0, n);
  const actual = crc32c(body);
  if (actual !== stated) return { ok: false, missing: false, detail: `checksum ${hex(stated)}, but the ${n} bytes before it give ${hex(actual)}` };
  return { ok: true, body };
}

const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;

/** (2046 << 3) | 2 as a varint, then the length: the mac field's first three bytes. */
const MAC_HEADER = [0xf2, 0x7f, MAC_BYTES] as const;
const MAC_FIELD_BYTES = MAC_HEADER.length + MAC_BYTES;

/** A checksummed batch with Batch.mac under `key` added before its (recomputed) checksum. */
export function signBatch(payload: Uint8Array, key: Uint8Array): Uint8Array {
  const body = payload.subarray(0, payload.length - CHECKSUM_BYTES);
  const out = new Uint8Array(body.length + MAC_FIELD_BYTES);
  out.set(body, 0);
  out.set(MAC_HEADER, body.length);
  out.set(batchMac(key, body), body.length + MAC_HEADER.length);
  return appendChecksum(out);
}

/** Whether `body` (a batch whose checksum was checked, without it) ends in a mac field valid under `key`. */
export function checkBatchMac(body: Uint8Array, key: Uint8Array): boolean {
  const n = body.length - MAC_FIELD_BYTES;
  if (n < 0 || MAC_HEADER.some((b, i) => body[n + i] !== b)) return false;
  return macMatches(batchMac(key, body.subarray(0, n)), body.subarray(n + MAC_HEADER.length));
}
