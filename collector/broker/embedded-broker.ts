// The default: an aedes broker inside the collector process. The collector subscribes
// in-process (no socket between broker and collector); agents connect over TCP.
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../../common/logger.js';
import { topics } from '../../proto/topics.js';
import type { BrokerLink, InboundHandlers } from './broker-link.js';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions, handlers: InboundHandlers): Promise<BrokerLink> {
  const log = options.logger.child({ component: 'broker' });
  // drainTimeout: a client that stops reading must not stall delivery to everyone else.
  const aedes = await Aedes.createBroker({ drainTimeout: 10_000, maxClientsIdLength: 128, concurrency: 1000 });
  aedes.on('clientError', (client, err) => log.debug({ client: client.id, err: err.message }, 'client error'));
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'connection error'));

  const subscribe = (topic: string, handler: (topic: string, payload: Buffer) => void) =>
    new Promise<void>((resolve) => aedes.subscribe(topic, (packet, done) => {
      try {
        handler(packet.topic, packet.payload as Buffer);
      } finally {
        done();
      }
    }, resolve));
  await subscribe(topics.allHops, handlers.onHops);
  await subscribe(topics.allStatus, handlers.onStatus);
  await subscribe(topics.allTimeRequests, handlers.onTimeRequest);
  await subscribe(topics.allTimeSamples, handlers.onTimeSample);

  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as { port: number }).port;
  log.info({ host: options.host, port }, 'embedded broker listening');

  return {
    agentUrl: `mqtt://${options.host}:${port}`,
    publish(topic, payload, qos) {
      aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false }, (err) => {
        if (err) log.warn({ topic, err: err.message }, 'publish failed');
      });
    },
    connected: () => !aedes.closed,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
