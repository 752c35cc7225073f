// Consuming from a broker run elsewhere (Mosquitto, EMQX): the collector is an MQTT client
// that subscribes to every agent's hops and status. Reconnects back off with jitter.
import mqtt from 'mqtt';
import { backoffDelay } from '../../common/backoff.js';
import type { Logger } from '../../common/logger.js';
import { readMqttClientTls, type TlsFileNames } from '../../common/tls-files.js';
import { encodeClusterInfo } from '../../proto/cluster-info.js';
import { DEFAULT_PARTITION_COUNT } from '../../proto/partition.js';
import { hopsTopicOf, legacyHopsAgentOf, topics } from '../../proto/topics.js';
import type { BrokerLink, InboundHandlers, LinkPartitions } from './broker-link.js';
import { createPartitionSubscriptions, type SubscriptionChange } from './partition-subscriptions.js';
import { CollectorError } from '../errors.js';
import { brokerTlsLabels } from './listener.js';

export interface ExternalBrokerOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly reconnect: { readonly initialMs: number; readonly maxMs: number };
  readonly logger: Logger;
  /** For an mqtts:// url: caFile, the CA to trust (default: the system's); certFile/keyFile, a client certificate. */
  readonly tls?: TlsFileNames;
  /** Default: every partition of the default count. */
  readonly partitions?: LinkPartitions;
}

export async function connectExternalBroker(options: ExternalBrokerOptions, handlers: InboundHandlers): Promise<BrokerLink> {
  const log = options.logger.child({ component: 'broker' });
  const partitions = options.partitions ?? { count: DEFAULT_PARTITION_COUNT };
  const tls = readMqttClientTls(options.url, 'broker.url (--broker)', options.tls, brokerTlsLabels, CollectorError.HW_COLLECTOR_CONFIG.code);
  let client: mqtt.MqttClient | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let firstConnect: ((ok: boolean) => void) | undefined;
  const first = new Promise<boolean>((resolve) => (firstConnect = resolve));
  const hopSubscriptions = createPartitionSubscriptions(partitions.count, partitions.initial);
  const clusterInfo = Buffer.from(encodeClusterInfo({ partitions: partitions.count }));
  // Changes while the link is down need no message: the next connection subscribes to what is held then.
  const send = (what: 'subscribe' | 'unsubscribe', list: readonly string[]) => new Promise<void>((resolve) => {
    const c = client;
    if (list.length === 0 || !c?.connected) return resolve();
    const done = (err?: Error | null) => {
      if (err) log.error({ err: err.message }, `${what} failed`);
      resolve();
    };
    if (what === 'subscribe') c.subscribe([...list], { qos: 1 }, done);
    else c.unsubscribe([...list], done);
  });
  const apply = async (change: SubscriptionChange) => {
    await send('subscribe', change.subscribe);
    await send('unsubscribe', change.unsubscribe);
  };

  const connect = (attempt: number) => {
    const c = mqtt.connect(options.url, {
      clientId: options.clientId,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      username: options.username,
      password: options.password,
      ...tls,
    });
    client = c;
    c.on('connect', () => {
      log.info({ url: options.url }, 'connected to external broker');
      c.subscribe([...hopSubscriptions.topics(), topics.allStatus, topics.allTimeSamples], { qos: 1 }, (err) => {
        if (err) log.error({ err: err.message }, 'subscribe failed');
      });
      // Retained, again on every connect: an agent learns the partition count from it (proto/cluster-info.ts).
      c.publish(topics.cluster, clusterInfo, { qos: 1, retain: true });
      // Time requests at QoS 0: a late answer is worse than none.
      c.subscribe(topics.allTimeRequests, { qos: 0 }, (err) => {
        if (err) log.error({ err: err.message }, 'subscribe failed');
        firstConnect?.(true);
        firstConnect = undefined;
      });
      attempt = 0;
    });
    c.on('message', (topic, payload) => {
      if (hopsTopicOf(topic) !== undefined || legacyHopsAgentOf(topic) !== undefined) handlers.onHops(topic, payload);
      else if (topic.endsWith('/time/req')) handlers.onTimeRequest(topic, payload);
      else if (topic.endsWith('/time/sample')) handlers.onTimeSample(topic, payload);
      else if (topic.endsWith('/status')) handlers.onStatus(topic, payload);
    });
    c.on('error', (err) => log.warn({ err: err.message }, 'external broker error'));
    c.on('close', () => {
      if (closed || client !== c) return;
      c.end(true);
      const delay = backoffDelay(attempt + 1, options.reconnect);
      log.warn({ url: options.url, retryInMs: delay }, 'external broker connection lost');
      retry = setTimeout(() => connect(attempt + 1), delay);
    });
  };
  connect(0);
  // Start even if the broker is down: agents buffer, and the link keeps retrying.
  const timeout = setTimeout(() => firstConnect?.(false), 5000);
  if (!(await first)) log.warn({ url: options.url }, 'external broker not reachable yet; retrying in the background');
  clearTimeout(timeout);

  return {
    agentUrl: options.url,
    publish(topic, payload, qos) {
      client?.publish(topic, Buffer.from(payload), { qos });
    },
    connected: () => client?.connected ?? false,
    subscribePartitions: (partitions) => apply(hopSubscriptions.add(partitions)),
    unsubscribePartitions: (partitions) => apply(hopSubscriptions.remove(partitions)),
    subscribedPartitions: () => hopSubscriptions.partitions(),
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.endAsync(false).catch(() => undefined);
    },
  };
}

