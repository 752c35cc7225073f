// Acknowledgements and time answers an agent can check came from the collector, and batches the
// collector can check came from the agent, whatever the broker lets through: an HMAC over exactly
// what the message asserts, keyed by a key both sides
// derive from the agent's secret. The collector stores only the derived key (and a slow hash of
// the secret for authentication), never the secret itself.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Bytes of a MAC on the wire: 128 bits of HMAC-SHA256. */
export const MAC_BYTES = 16;

/** The key both sides derive from an agent's secret. */
export function deriveAckKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('hopwatch/v1 ack key').digest();
}

/** MAC of a BatchAck: it names the agent, the batch (stream, seq) and what the collector did with it. */
export function batchAckMac(key: Uint8Array, agentId: string, streamId: number, seq: number, status: number, reason: string): Buffer {
  return createHmac('sha256', key).update(`ack\0${agentId}\0${streamId}\0${seq}\0${status}\0${reason}`).digest().subarray(0, MAC_BYTES);
}

/** MAC of a Batch: every byte of its encoding before the mac field (proto/batch-checksum.ts). */
export function batchMac(key: Uint8Array, body: Uint8Array): Buffer {
  return createHmac('sha256', key).update('batch\0').update(body).digest().subarray(0, MAC_BYTES);
}

/** MAC of a TimeResponse: the probe it answers and the collector's two times. */
export function timeResponseMac(key: Uint8Array, agentId: string, seq: number, t1Us: number, t2Us: number, t3Us: number): Buffer {
  return createHmac('sha256', key).update(`time\0${agentId}\0${seq}\0${t1Us}\0${t2Us}\0${t3Us}`).digest().subarray(0, MAC_BYTES);
}

/** MAC of a TimeSample: the four times an agent reports for one probe. */
export function timeSampleMac(key: Uint8Array, agentId: string, t1Us: number, t2Us: number, t3Us: number, t4Us: number): Buffer {
  return createHmac('sha256', key).update(`sample\0${agentId}\0${t1Us}\0${t2Us}\0${t3Us}\0${t4Us}`).digest().subarray(0, MAC_BYTES);
}

/** MAC of an agent status: the agent id and the status's JSON without its mac, as the agent wrote it. */
export function statusMac(key: Uint8Array, agentId: string, json: string): Buffer {
  return createHmac('sha256', key).update(`status\0${agentId}\0`).update(json).digest().subarray(0, MAC_BYTES);
}

/** A status as published: its JSON, with a hex `mac` field last when the agent has a key. */
export function signedStatus(key: Uint8Array | undefined, agentId: string, status: Record<string, unknown>): string {
  const json = JSON.stringify(status);
  return key ? JSON.stringify({ ...status, mac: statusMac(key, agentId, json).toString('hex') }) : json;
}

/**
 * The status without its mac when the mac verifies, else undefined. JSON.parse keeps the
 * fields' order, so writing the rest again gives the bytes the agent signed.
 */
export function verifiedStatus(key: Uint8Array, agentId: string, status: Record<string, unknown>): Record<string, unknown> | undefined {
  const { mac, ...rest } = status;
  if (typeof mac !== 'string') return undefined;
  return macMatches(statusMac(key, agentId, JSON.stringify(rest)), Buffer.from(mac, 'hex')) ? rest : undefined;
}

/** Constant-time comparison; false for a missing or short MAC. */
export function macMatches(expected: Uint8Array, received: Uint8Array | undefined): boolean {
  return received !== undefined && received.length === expected.length && timingSafeEqual(expected, received);
}
