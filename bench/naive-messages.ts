// What the naive pipeline's processes say to each other over IPC (see naive-pipeline.ts).
//   parent -> publisher  { type: 'stop' }   stop starting journeys, finish them, await PUBACKs, exit
//   parent -> subscriber { type: 'stop' }   report once more and exit
//   child  -> parent     progress every 250 ms, then 'done' (publisher) or 'stopped' (subscriber)

export interface NaivePublisherOptions {
  readonly brokerUrl: string;
  readonly hopsPerSecond: number;
  /** Groups of three publishers (gateway, CSP, rig), each with its own MQTT connection. */
  readonly groups: number;
}

export interface NaiveSubscriberOptions {
  readonly brokerUrl: string;
  readonly file: string;
  readonly commit: NaiveCommit;
  readonly synchronous: 'full' | 'normal';
}

/**
 * per-hop: each message is inserted (its own transaction) before its PUBACK goes out.
 * per-turn: rows wait for the end of the event-loop turn and go in one transaction; the
 * PUBACK goes out first, so a crash loses what the broker thinks is delivered.
 */
export type NaiveCommit = 'per-hop' | 'per-turn';

/** Topic of one publisher's hops; the subscriber takes NAIVE_TOPIC_FILTER. */
export const naiveTopic = (publisherId: string) => `naive/${publisherId}/hops`;
export const NAIVE_TOPIC_FILTER = 'naive/+/hops';

export interface PublisherProgress {
  readonly type: 'progress' | 'done';
  /** publish() calls, one per hop. */
  readonly sent: number;
  /** Hops whose PUBACK came back from the broker. */
  readonly acked: number;
  /** Hops whose publish failed (the callback carried an error). */
  readonly failed: number;
  /** Wall time (ms) of the first publish; 0 before it. */
  readonly firstSentAtMs: number;
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
}

export interface SubscriberProgress {
  readonly type: 'ready' | 'progress' | 'stopped';
  readonly stored: number;
  /** Messages that were not a JSON hop; counted and skipped. */
  readonly bad: number;
  /** Wall time (ms) of the last commit that stored a hop; 0 before it. */
  readonly lastStoredAtMs: number;
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
}
