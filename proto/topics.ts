// MQTT topic layout, version 1. <agentId> is [A-Za-z0-9_.-]{1,64} so it never holds a wildcard or a level separator.
export const AGENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export const topics = {
  hops: (agentId: string) => `hopwatch/v1/${agentId}/hops`,
  ack: (agentId: string) => `hopwatch/v1/${agentId}/ack`,
  status: (agentId: string) => `hopwatch/v1/${agentId}/status`,
  allHops: 'hopwatch/v1/+/hops',
  allStatus: 'hopwatch/v1/+/status',
} as const;

/** The agent id of a topic `hopwatch/v1/<agentId>/<kind>`, or undefined. */
export function agentIdOf(topic: string, kind: 'hops' | 'status' | 'ack'): string | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'hopwatch' || parts[1] !== 'v1' || parts[3] !== kind) return undefined;
  return AGENT_ID_PATTERN.test(parts[2]!) ? parts[2] : undefined;
}
