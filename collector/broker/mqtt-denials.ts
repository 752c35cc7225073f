// What the embedded broker refused, by action and reason: hopwatch_mqtt_denied_total.
// Counted where refused; read by the Prometheus registry at scrape time.

export type DeniedAction = 'connect' | 'publish' | 'subscribe' | 'packet' | 'session';

export type DeniedReason =
  /** CONNECT without a username while agent credentials exist. */
  | 'anonymous'
  /** Unknown or revoked agent id, or a wrong secret. */
  | 'bad-credentials'
  /** Too many failed logins from the client's address within a minute: refused without a check. */
  | 'rate-limited'
  /** Too many secret checks running and waiting (a flood of CONNECTs): refused, try later. */
  | 'busy'
  /** The client id is not hopwatch-agent-<username>. */
  | 'client-id'
  /** A topic outside the agent's own (or a wildcard). */
  | 'topic'
  /** A retained PUBLISH anywhere but the agent's own status topic. */
  | 'retain'
  /** broker.limits.maxConnections reached. */
  | 'max-connections'
  /** No accepted CONNECT within broker.limits.connectTimeoutMs. */
  | 'connect-timeout'
  /** A packet larger than ingest.maxBatchBytes plus room for its topic. */
  | 'packet-size'
  /** An agent with more than broker.limits.maxInFlightPerClient QoS 1 PUBLISHes in flight. */
  | 'in-flight'
  /** A connected agent's credential was revoked or rotated. */
  | 'revoked';

export interface MqttDenials {
  count(action: DeniedAction, reason: DeniedReason): void;
  /** Every (action, reason) counted so far, with its count. */
  entries(): { action: DeniedAction; reason: DeniedReason; count: number }[];
  total(): number;
}

export function createMqttDenials(): MqttDenials {
  const counts = new Map<string, { action: DeniedAction; reason: DeniedReason; count: number }>();
  return {
    count(action, reason) {
      const key = `${action} ${reason}`;
      const entry = counts.get(key);
      if (entry) entry.count++;
      else counts.set(key, { action, reason, count: 1 });
    },
    entries: () => [...counts.values()].map((e) => ({ ...e })),
    total: () => [...counts.values()].reduce((n, e) => n + e.count, 0),
  };
}
