// Publishes buffered batches to the collector and deletes each one only when the
// collector's ack says it is stored (the broker's PUBACK proves nothing about that), and
// only on an ack that passes agent/ack-check.ts (this stream, in flight, signed).
// The connection is an explicit state; reconnects back off exponentially with jitter.
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import { legacyTopics, topics } from '../proto/topics.js';
import { signBatch } from '../proto/batch-checksum.js';
import { AckStatus } from '../proto/wire.js';
import { signedStatus } from '../common/ack-signature.js';
import { backoffDelay } from '../common/backoff.js';
import type { TlsMaterial } from '../common/tls-files.js';
import { createAckCheck, type IgnoredAckReason } from './ack-check.js';
import type { BufferStore } from './buffer-store.js';
import { AgentError } from './errors.js';

export type ConnectionState =
  | { readonly kind: 'connecting'; readonly attempt: number }
  | { readonly kind: 'connected'; readonly since: number }
  | { readonly kind: 'waiting'; readonly attempt: number; readonly retryAt: number }
  | { readonly kind: 'closed' };

export interface ForwarderOptions {
  readonly agentId: string;
  readonly brokerUrl: string;
  readonly username?: string;
  readonly password?: string;
  /** mqtt.js TLS options for mqtts:// (agent/broker-tls.ts). */
  readonly tls?: TlsMaterial;
  /** The agent's ack key (from its secret): batches are signed with it, and acks must carry a MAC
   *  under it. undefined: neither. */
  readonly ackKey?: Uint8Array;
  readonly store: BufferStore;
  readonly logger: Logger;
  readonly maxInFlight: number;
  readonly ackTimeoutMs: number;
  readonly reconnect: { readonly initialMs: number; readonly maxMs: number };
  /** JSON published (retained) on the status topic on connect and every statusIntervalMs. */
  readonly status: () => Record<string, unknown>;
  readonly statusIntervalMs: number;
  /** Other topics this agent listens on (time sync), subscribed on every connect. */
  readonly subscriptions?: readonly { readonly topic: string; readonly onMessage: (payload: Buffer) => void }[];
}

export interface ForwarderCounters {
  readonly published: number;
  readonly republished: number;
  readonly acked: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly rejectedByReason: Readonly<Record<string, number>>;
  /** Acks that failed the check and changed nothing, by reason (see agent/ack-check.ts). */
  readonly ignoredAcks: Readonly<Record<IgnoredAckReason, number>>;
  readonly connects: number;
  readonly inFlight: number;
}

export interface Forwarder {
  /** Something new is in the store: publish it if the window allows. */
  wake(): void;
  /** Publishes on the current connection; false when there is none. */
  publish(topic: string, payload: Uint8Array, qos: 0 | 1): boolean;
  state(): ConnectionState;
  counters(): ForwarderCounters;
  /** Resolves when every buffered batch is acknowledged, or rejects after timeoutMs (with
   *  whileConnected, also as soon as the connection is lost or cannot be made). */
  drained(timeoutMs: number, whileConnected?: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Ignored acks are logged at most once a minute per reason: whoever forges them controls the rate. */
const IGNORED_ACK_LOG_INTERVAL_MS = 60_000;

export function createForwarder(options: ForwarderOptions): Forwarder {
  const { agentId, store, logger, maxInFlight, ackTimeoutMs } = options;
  const log = logger.child({ component: 'forwarder' });
  const hopsTopic = (partition: number | undefined) => (partition === undefined ? legacyTopics.hops(agentId) : topics.hops(agentId, partition));
  const ackTopic = topics.ack(agentId);
  const statusTopic = topics.status(agentId);

  let state: ConnectionState = { kind: 'connecting', attempt: 0 };
  let client: mqtt.MqttClient | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  /** seq -> time it was last published, for batches awaiting their ack. */
  const inFlight = new Map<number, number>();
  let lastSentSeq = 0;
  const acked: number[] = [];
  const counters = { published: 0, republished: 0, acked: 0, duplicates: 0, rejected: 0, connects: 0 };
  const rejectedByReason: Record<string, number> = {};
  let drainWaiters: (() => void)[] = [];
  let linkLostWaiters: (() => void)[] = [];
  const ackCheck = createAckCheck({ agentId, streamId: store.streamId, ackKey: options.ackKey, logger, logIntervalMs: IGNORED_ACK_LOG_INTERVAL_MS });
  const isInFlight = (seq: number) => inFlight.has(seq);

  const publishStatus = (extra: Record<string, unknown> = {}) => {
    client?.publish(statusTopic, signedStatus(options.ackKey, agentId, { ...options.status(), ...extra }), { qos: 1, retain: true });
  };

  const connect = (attempt: number) => {
    state = { kind: 'connecting', attempt };
    const c = mqtt.connect(options.brokerUrl, {
      clientId: `hopwatch-agent-${agentId}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      username: options.username,
      password: options.password,
      ...options.tls,
      will: { topic: statusTopic, payload: Buffer.from(signedStatus(options.ackKey, agentId, { agentId, state: 'offline' })), qos: 1, retain: true },
    });
    client = c;
    c.on('connect', () => {
      state = { kind: 'connected', since: Date.now() };
      counters.connects++;
      log.info({ broker: options.brokerUrl }, 'connected');
      const extra = options.subscriptions ?? [];
      c.subscribe([ackTopic, ...extra.map((x) => x.topic)], { qos: 1 }, (err) => {
        if (err) return log.error({ err }, 'subscribing to acks failed');
        publishStatus();
        // Anything in flight on the previous connection may be lost: send it again, oldest first.
        lastSentSeq = 0;
        inFlight.clear();
        pump();
      });
    });
    c.on('message', (topic, payload) => {
      if (topic === ackTopic) return onAck(payload);
      options.subscriptions?.find((x) => x.topic === topic)?.onMessage(payload);
    });
    c.on('error', (err) => log.warn({ err: err.message }, 'broker connection error'));
    c.on('close', () => {
      if (client !== c || state.kind === 'closed') return;
      client = undefined;
      c.end(true);
      const lost = linkLostWaiters;
      linkLostWaiters = [];
      for (const w of lost) w();
      const next = state.kind === 'connecting' ? state.attempt + 1 : 0;
      const delay = backoffDelay(next, options.reconnect);
      state = { kind: 'waiting', attempt: next, retryAt: Date.now() + delay };
      log.info({ retryInMs: delay, attempt: next }, 'disconnected; retrying');
      retryTimer = setTimeout(() => connect(next), delay);
      retryTimer.unref();
    });
  };

  const pump = () => {
    if (state.kind !== 'connected' || !client) return;
    while (inFlight.size < maxInFlight) {
      const batch = store.readAfter(lastSentSeq, Math.min(64, maxInFlight - inFlight.size));
      if (batch.length === 0) break;
      for (const b of batch) {
        const again = inFlight.has(b.seq);
        // Signed as it leaves, so batches buffered before the agent had a secret are signed too.
        const bytes = options.ackKey ? signBatch(b.bytes, options.ackKey) : b.bytes;
        client.publish(hopsTopic(b.partition), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { qos: 1 });
        inFlight.set(b.seq, Date.now());
        lastSentSeq = b.seq;
        if (again) counters.republished++;
        else counters.published++;
      }
    }
    if (inFlight.size === 0 && store.counters().batches === 0) {
      const waiters = drainWaiters;
      drainWaiters = [];
      for (const w of waiters) w();
    }
  };

  const onAck = (payload: Buffer) => {
    const ack = ackCheck.check(payload, isInFlight);
    if (ack === undefined) return;
    const seq = ack.seq;
    if (ack.status === AckStatus.STORED) counters.acked++;
    else if (ack.status === AckStatus.DUPLICATE) counters.duplicates++;
    else {
      counters.rejected++;
      rejectedByReason[ack.reason] = (rejectedByReason[ack.reason] ?? 0) + 1;
      log.error({ code: AgentError.HW_AGENT_BATCH_REJECTED.code, seq, reason: ack.reason, detail: ack.detail }, 'collector rejected a batch; dropping it');
    }
    inFlight.delete(seq);
    acked.push(seq);
    if (acked.length === 1) setImmediate(commitAcks);
  };

  const commitAcks = () => {
    const seqs = acked.splice(0);
    store.remove(seqs);
    pump();
  };

  // Batches whose ack is overdue are sent again; the collector acknowledges duplicates.
  const ackTimer = setInterval(() => {
    const overdue = Date.now() - ackTimeoutMs;
    let oldest = Infinity;
    for (const [seq, sentAt] of inFlight) if (sentAt < overdue && seq < oldest) oldest = seq;
    if (oldest !== Infinity && state.kind === 'connected') {
      lastSentSeq = oldest - 1;
      for (const seq of inFlight.keys()) if (seq >= oldest) inFlight.delete(seq);
      pump();
    }
  }, Math.max(100, Math.min(1000, ackTimeoutMs / 4)));
  ackTimer.unref();
  const statusTimer = setInterval(() => publishStatus(), options.statusIntervalMs);
  statusTimer.unref();

  connect(0);

  return {
    wake: pump,
    publish(topic, payload, qos) {
      if (state.kind !== 'connected' || !client) return false;
      client.publish(topic, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), { qos });
      return true;
    },
    state: () => state,
    counters: () => ({ ...counters, rejectedByReason: { ...rejectedByReason }, ignoredAcks: ackCheck.counters(), inFlight: inFlight.size }),
    drained(timeoutMs, whileConnected = false) {
      return new Promise((resolve, reject) => {
        const settle = (error?: string) => {
          clearTimeout(timer);
          drainWaiters = drainWaiters.filter((w) => w !== done);
          linkLostWaiters = linkLostWaiters.filter((w) => w !== lost);
          if (error === undefined) resolve();
          else reject(new Error(`buffer not drained: ${error} (${store.counters().batches} batches left)`));
        };
        const timer = setTimeout(() => settle(`not within ${timeoutMs} ms`), timeoutMs);
        const done = () => settle();
        const lost = () => settle('the broker connection is down');
        drainWaiters.push(done);
        if (whileConnected) {
          if (state.kind === 'waiting') return lost();
          linkLostWaiters.push(lost);
        }
        pump();
      });
    },
    async close() {
      if (state.kind === 'closed') return;
      clearInterval(ackTimer);
      clearInterval(statusTimer);
      clearTimeout(retryTimer);
      const c = client;
      state = { kind: 'closed' };
      if (c?.connected) {
        await new Promise<void>((resolve) => c.publish(statusTopic, signedStatus(options.ackKey, agentId, { agentId, state: 'offline' }), { qos: 1, retain: true }, () => resolve()));
      }
      await c?.endAsync(false).catch(() => undefined);
    },
  };
}
