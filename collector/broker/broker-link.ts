// How the collector meets its agents: an embedded aedes broker (the default) or an
// external broker (Mosquitto, EMQX) it subscribes to. Both deliver the same messages.

export interface InboundHandlers {
  /** A message on hopwatch/v1/<agentId>/hops. */
  onHops(topic: string, payload: Buffer): void;
  /** A message on hopwatch/v1/<agentId>/status. */
  onStatus(topic: string, payload: Buffer): void;
  /** A message on hopwatch/v1/<agentId>/time/req (answer at once). */
  onTimeRequest(topic: string, payload: Buffer): void;
  /** A message on hopwatch/v1/<agentId>/time/sample. */
  onTimeSample(topic: string, payload: Buffer): void;
}

export interface BrokerLink {
  /** Where agents should connect, e.g. mqtt://127.0.0.1:1883. */
  readonly agentUrl: string;
  publish(topic: string, payload: Uint8Array, qos: 0 | 1): void;
  connected(): boolean;
  close(): Promise<void>;
}
