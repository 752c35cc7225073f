// The retained message a collector publishes on hopwatch/v2/cluster: what every agent of the
// deployment must agree on with the collectors. JSON, like the agent status, so an operator can
// read it with mosquitto_sub.
import { isPartitionCount } from './partition.js';

export interface ClusterInfo {
  /** The deployment's partition count (proto/partition.ts). */
  readonly partitions: number;
}

export function encodeClusterInfo(info: ClusterInfo): Uint8Array {
  return Buffer.from(JSON.stringify({ partitions: info.partitions }));
}

/** The info in a payload, or undefined when it is not a valid one (it is ignored then). */
export function decodeClusterInfo(payload: Uint8Array): ClusterInfo | undefined {
  try {
    const value = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8')) as { partitions?: unknown } | null;
    return value !== null && typeof value === 'object' && isPartitionCount(value.partitions) ? { partitions: value.partitions } : undefined;
  } catch {
    return undefined;
  }
}
