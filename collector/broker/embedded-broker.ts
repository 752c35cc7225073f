// The default: an aedes broker inside the collector process. The collector subscribes
// in-process (no socket between broker and collector); agents connect over TCP or TLS
// (collector/broker/listener.ts), as agents with credentials once any exist
// (collector/broker/agent-access.ts), within the bounds of broker.limits
// (collector/broker/connection-guard.ts).
import type { Socket } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { listenError } from '../../common/listen-error.js';
import type { Logger } from '../../common/logger.js';
import type { TlsFileNames } from '../../common/tls-files.js';
import { encodeClusterInfo } from '../../proto/cluster-info.js';
import { DEFAULT_PARTITION_COUNT } from '../../proto/partition.js';
import { topics } from '../../proto/topics.js';
import type { RunningAgentAuthority } from '../auth/agent-authority.js';
import { CollectorError } from '../errors.js';
import { createAgentAccess } from './agent-access.js';
import type { BrokerLink, InboundHandlers, LinkPartitions } from './broker-link.js';
import { createPartitionSubscriptions, type SubscriptionChange } from './partition-subscriptions.js';
import { createBrokerListener } from './listener.js';
import { guardConnection } from './connection-guard.js';
import type { MqttDenials } from './mqtt-denials.js';

export interface EmbeddedBrokerLimits {
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  readonly maxInFlightPerClient: number;
  /** Largest MQTT packet accepted (Remaining Length), checked before the packet is buffered. */
  readonly maxPacketBytes: number;
}

/** The packet bound for batches of up to maxBatchBytes: room for the batch, its topic (at most
 *  81 bytes) and the PUBLISH's own fields, and nothing like the 256 MB MQTT allows. */
export function maxPacketBytesFor(maxBatchBytes: number): number {
  return maxBatchBytes + 1024;
}

export interface EmbeddedBrokerOptions {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  /** Serve mqtts:// with these files (see listener.ts); absent or all '' = plain mqtt://. */
  readonly tls?: TlsFileNames;
  /** Undefined: no credential store, anyone may connect. */
  readonly authority?: RunningAgentAuthority;
  readonly denials: MqttDenials;
  readonly limits: EmbeddedBrokerLimits;
  /** Default: every partition of the default count. */
  readonly partitions?: LinkPartitions;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions, handlers: InboundHandlers): Promise<BrokerLink> {
  const log = options.logger.child({ component: 'broker' });
  const partitions = options.partitions ?? { count: DEFAULT_PARTITION_COUNT };
  const { limits, denials, authority } = options;
  // Before anything starts: an unreadable certificate is a configuration error.
  const listener = createBrokerListener(options.tls, (socket: Socket) => {
    const client = aedes.handle(socket);
    guardConnection(socket, client, {
      maxPacketBytes: limits.maxPacketBytes,
      connectTimeoutMs: limits.connectTimeoutMs,
      onRefused: (reason, detail) => access.deny(client, reason === 'packet-size' ? 'packet' : 'connect', reason, detail),
    });
  });
  const access = createAgentAccess({ authority, denials, maxInFlightPerClient: limits.maxInFlightPerClient, mutualTls: listener.mutual, logger: options.logger });
  const aedes = await Aedes.createBroker({
    // drainTimeout: a client that stops reading must not stall delivery to everyone else.
    drainTimeout: 10_000, maxClientsIdLength: 128, concurrency: 1000,
    // Twice the guard's: the guard's time-out fires first and is the one counted.
    connectTimeout: limits.connectTimeoutMs * 2,
    maxInflightInbound: limits.maxInFlightPerClient,
    authenticate: access.authenticate,
    authorizePublish: access.authorizePublish,
    authorizeSubscribe: access.authorizeSubscribe,
    published: access.published,
  });
  aedes.on('clientError', (client, err) => log.debug({ client: client.id, err: err.message }, 'client error'));
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'connection error'));

  // Sessions whose credential went away (revoked, rotated) or that connected anonymously
  // before the first credential was added are closed at the next read of the store.
  const live = new Set<Client>();
  aedes.on('clientReady', (client) => {
    live.add(client);
    client.conn.once('close', () => live.delete(client));
  });
  authority?.onChange((invalidated) => {
    if (!authority.enabled()) return;
    for (const client of live) {
      const agent = access.agentOf(client);
      if (agent !== undefined && authority.isActive(agent) && !invalidated.includes(agent)) continue;
      access.deny(client, 'session', 'revoked', { agent });
      live.delete(client);
      client.close();
    }
  });

  type Deliver = (packet: { topic: string; payload: string | Buffer }, done: () => void) => void;
  const deliverTo = (handler: (topic: string, payload: Buffer) => void): Deliver => (packet, done) => {
    try {
      handler(packet.topic, packet.payload as Buffer);
    } finally {
      done();
    }
  };
  const subscribe = (topic: string, handler: (topic: string, payload: Buffer) => void) =>
    new Promise<void>((resolve) => aedes.subscribe(topic, deliverTo(handler), resolve));
  // Every hops topic shares one deliver function: aedes unsubscribes by topic and function.
  const deliverHops = deliverTo(handlers.onHops);
  const hopSubscriptions = createPartitionSubscriptions(partitions.count, partitions.initial);
  const subscribeHops = (list: readonly string[]) => Promise.all(list.map((topic) => new Promise<void>((resolve) => aedes.subscribe(topic, deliverHops, resolve))));
  const unsubscribeHops = (list: readonly string[]) => Promise.all(list.map((topic) => new Promise<void>((resolve) => aedes.unsubscribe(topic, deliverHops, resolve))));
  const applyHops = async (change: SubscriptionChange) => {
    await subscribeHops(change.subscribe);
    await unsubscribeHops(change.unsubscribe);
  };
  await subscribeHops(hopSubscriptions.topics());
  await subscribe(topics.allStatus, handlers.onStatus);
  await subscribe(topics.allTimeRequests, handlers.onTimeRequest);
  await subscribe(topics.allTimeSamples, handlers.onTimeSample);

  const { server } = listener;
  server.on('tlsClientError', (err) => log.debug({ err: err.message }, 'TLS handshake failed'));
  // Beyond maxConnections Node closes new sockets at once and emits 'drop'.
  server.maxConnections = limits.maxConnections;
  server.on('drop', (info) => access.deny(undefined, 'connect', 'max-connections', { remote: info?.remoteAddress, maxConnections: limits.maxConnections }));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => { server.off('error', reject); resolve(); });
    });
  } catch (err) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw listenError(err, { what: 'embedded MQTT broker', host: options.host, port: options.port, flag: 'broker-port', code: CollectorError.HW_COLLECTOR_BROKER.code });
  }
  const port = (server.address() as { port: number }).port;
  // Retained: an agent learns the partition count on every connect (proto/cluster-info.ts).
  aedes.publish({ cmd: 'publish', topic: topics.cluster, payload: Buffer.from(encodeClusterInfo({ partitions: partitions.count })), qos: 1, retain: true, dup: false }, (err) => {
    if (err) log.warn({ err: err.message }, 'announcing the partition count failed');
  });
  log.info({ host: options.host, port, tls: listener.scheme === 'mqtts', mutualTls: listener.mutual, agentAuth: authority?.enabled() === true }, 'embedded broker listening');

  return {
    agentUrl: `${listener.scheme}://${options.host}:${port}`,
    publish(topic, payload, qos) {
      aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false }, (err) => {
        if (err) log.warn({ topic, err: err.message }, 'publish failed');
      });
    },
    connected: () => !aedes.closed,
    subscribePartitions: (partitions) => applyHops(hopSubscriptions.add(partitions)),
    unsubscribePartitions: (partitions) => applyHops(hopSubscriptions.remove(partitions)),
    subscribedPartitions: () => hopSubscriptions.partitions(),
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
