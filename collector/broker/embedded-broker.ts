// The default: an aedes broker inside the collector process. The collector subscribes
// in-process (no socket between broker and collector); agents connect over TCP.
import { Aedes } from 'aedes';
import type { Logger } from '../../common/logger.js';
import type { TlsFileNames } from '../../common/tls-files.js';
import { topics } from '../../proto/topics.js';
import type { BrokerLink, InboundHandlers } from './broker-link.js';
import { createBrokerListener } from './listener.js';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  /** Serve mqtts:// with these files (see listener.ts); absent or all '' = plain mqtt://. */
  readonly tls?: TlsFileNames;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions, handlers: InboundHandlers): Promise<BrokerLink> {
  const log = options.logger.child({ component: 'broker' });
  // Before anything starts: an unreadable certificate is a configuration error.
  const listener = createBrokerListener(options.tls, (socket) => aedes.handle(socket));
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

  const { server } = listener;
  server.on('tlsClientError', (err) => log.debug({ err: err.message }, 'TLS handshake failed'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as { port: number }).port;
  log.info({ host: options.host, port, tls: listener.scheme === 'mqtts', mutualTls: listener.mutual }, 'embedded broker listening');

  return {
    agentUrl: `${listener.scheme}://${options.host}:${port}`,
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
