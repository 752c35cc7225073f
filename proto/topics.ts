// MQTT topic layout, version 1. <agentId> is [A-Za-z0-9_.-]{1,64} so it never holds a wildcard or a level separator.
export const AGENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export const topics = {
  hops: (agentId: string) => `hopwatch/v1/${agentId}/hops`,
  ack: (agentId: string) => `hopwatch/v1/${agentId}/ack`,
  status: (agentId: string) => `hopwatch/v1/${agentId}/status`,
  timeRequest: (agentId: string) => `hopwatch/v1/${agentId}/time/req`,
  timeResponse: (agentId: string) => `hopwatch/v1/${agentId}/time/resp`,
  timeSample: (agentId: string) => `hopwatch/v1/${agentId}/time/sample`,
  allHops: 'hopwatch/v1/+/hops',
  allStatus: 'hopwatch/v1/+/status',
  allTimeRequests: 'hopwatch/v1/+/time/req',
  allTimeSamples: 'hopwatch/v1/+/time/sample',
} as const;

export type TopicKind = 'hops' | 'status' | 'ack' | 'time/req' | 'time/resp' | 'time/sample';

/** The agent id of a topic `hopwatch/v1/<agentId>/<kind>`, or undefined. */
export function agentIdOf(topic: string, kind: TopicKind): string | undefined {
  const prefix = 'hopwatch/v1/';
  const suffix = `/${kind}`;
  if (!topic.startsWith(prefix) || !topic.endsWith(suffix)) return undefined;
  const agentId = topic.slice(prefix.length, topic.length - suffix.length);
  return AGENT_ID_PATTERN.test(agentId) ? agentId : undefined;
}
