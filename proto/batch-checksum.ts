// Batch.checksum (proto/hopwatch.proto), both directions: the agent appends it to an encoded
// Batch, the collector checks it before decoding. It is always the last six bytes: the tag of
// field 2047 (wire type fixed32) and the CRC-32C of every byte before it, little-endian.
// One pass over the batch's bytes each way: per batch, never per hop.
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
