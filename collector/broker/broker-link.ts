// How the collector meets its agents: an embedded aedes broker (the default) or an
// external broker (Mosquitto, EMQX) it subscribes to. Both deliver the same messages.

export interface InboundHandlers {
  /** A message on hopwatch/v2/<agentId>/hops/<partition> (or version 1's hopwatch/v1/<agentId>/hops). */
  onHops(topic: string, payload: Buffer): void;
  /** A message on hopwatch/v2/<agentId>/status. */
  onStatus(topic: string, payload: Buffer): void;
  /** A message on hopwatch/v2/<agentId>/time/req (answer at once). */
  onTimeRequest(topic: string, payload: Buffer): void;
  /** A message on hopwatch/v2/<agentId>/time/sample. */
  onTimeSample(topic: string, payload: Buffer): void;
}

/** Which partitions' hops a link takes in (proto/partition.ts). */
export interface LinkPartitions {
  /** The deployment's partition count, announced to agents (retained, on hopwatch/v2/cluster). */
  readonly count: number;
  /** Subscribed at start; default: every partition. */
  readonly initial?: readonly number[];
}

export interface BrokerLink {
  /** Where agents should connect, e.g. mqtt://127.0.0.1:1883. */
  readonly agentUrl: string;
  publish(topic: string, payload: Uint8Array, qos: 0 | 1): void;
  connected(): boolean;
  /**
   * Subscribes to the hops topics of these partitions (already subscribed ones are left as they
   * are). Resolves once the broker has them; an external link that is down subscribes on connect.
   */
  subscribePartitions(partitions: readonly number[]): Promise<void>;
  /** Stops taking in the hops of these partitions; resolves once the broker has dropped them. */
  unsubscribePartitions(partitions: readonly number[]): Promise<void>;
  /** The partitions subscribed, ascending. */
  subscribedPartitions(): number[];
  close(): Promise<void>;
}
