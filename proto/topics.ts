// MQTT topic layout, version 2 (proto/hopwatch.proto has the table). <agentId> is
// [A-Za-z0-9_.-]{1,64} so it never holds a wildcard or a level separator; <partition> is a
// partition number (proto/partition.ts) in decimal without leading zeros.
// Version 1 had one hops topic per agent (hopwatch/v1/<agentId>/hops); version 2 has one per
// agent and partition, so that a collector takes a partition by subscribing to its topic on any
// broker (README, "Partitions").
import { MAX_PARTITION_COUNT } from './partition.js';

export const AGENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

const PREFIX = 'hopwatch/v2/';

export const topics = {
  hops: (agentId: string, partition: number) => `${PREFIX}${agentId}/hops/${partition}`,
  ack: (agentId: string) => `${PREFIX}${agentId}/ack`,
  status: (agentId: string) => `${PREFIX}${agentId}/status`,
  timeRequest: (agentId: string) => `${PREFIX}${agentId}/time/req`,
  timeResponse: (agentId: string) => `${PREFIX}${agentId}/time/resp`,
  timeSample: (agentId: string) => `${PREFIX}${agentId}/time/sample`,
  /** Every agent's hops of one partition: what the partition's owner subscribes to. */
  partitionHops: (partition: number) => `${PREFIX}+/hops/${partition}`,
  allHops: `${PREFIX}+/hops/+`,
  allStatus: `${PREFIX}+/status`,
  allTimeRequests: `${PREFIX}+/time/req`,
  allTimeSamples: `${PREFIX}+/time/sample`,
  /** Retained, published by the collector: {"partitions": P}, the count agents split by. */
  cluster: `${PREFIX}cluster`,
} as const;

/** Version 1's hops topic: batches a version-1 agent buffered (no partition) still go out on it. */
export const legacyTopics = {
  hops: (agentId: string) => `hopwatch/v1/${agentId}/hops`,
  allHops: 'hopwatch/v1/+/hops',
} as const;

/** The agent id of a version-1 hops topic, or undefined. */
export function legacyHopsAgentOf(topic: string): string | undefined {
  const prefix = 'hopwatch/v1/';
  if (!topic.startsWith(prefix) || !topic.endsWith('/hops')) return undefined;
  const agentId = topic.slice(prefix.length, topic.length - '/hops'.length);
  return AGENT_ID_PATTERN.test(agentId) ? agentId : undefined;
}

export type TopicKind = 'status' | 'ack' | 'time/req' | 'time/resp' | 'time/sample';

/** The agent id of a topic `hopwatch/v2/<agentId>/<kind>`, or undefined. */
export function agentIdOf(topic: string, kind: TopicKind): string | undefined {
  const suffix = `/${kind}`;
  if (!topic.startsWith(PREFIX) || !topic.endsWith(suffix)) return undefined;
  const agentId = topic.slice(PREFIX.length, topic.length - suffix.length);
  return AGENT_ID_PATTERN.test(agentId) ? agentId : undefined;
}

export interface HopsTopic {
  readonly agentId: string;
  readonly partition: number;
}

const PARTITION_TEXT = /^(?:0|[1-9][0-9]{0,3})$/;

/** The agent and partition of a topic `hopwatch/v2/<agentId>/hops/<partition>`, or undefined. */
export function hopsTopicOf(topic: string): HopsTopic | undefined {
  if (!topic.startsWith(PREFIX)) return undefined;
  const marker = topic.lastIndexOf('/hops/');
  if (marker < PREFIX.length) return undefined;
  const agentId = topic.slice(PREFIX.length, marker);
  const text = topic.slice(marker + '/hops/'.length);
  if (!AGENT_ID_PATTERN.test(agentId) || !PARTITION_TEXT.test(text)) return undefined;
  const partition = Number(text);
  return partition < MAX_PARTITION_COUNT ? { agentId, partition } : undefined;
}
