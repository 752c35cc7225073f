// The embedded broker under abuse beside good traffic: 2,000 idle connections (half CONNECT
// and then say nothing, half never CONNECT and are closed at broker.limits.connectTimeoutMs),
// then oversized PUBLISHes (a header announcing 256 MiB, followed by 16 MiB of body) before and
// after CONNECT. The collector must close each oversized one at its header, its RSS must stay
// within 64 MiB of where it was, and the rig's journeys must all arrive once.
import type { Socket } from 'node:net';
import { closedWithin, connectPacket, rawSocket, remainingLength } from '../mqtt-bytes.js';
import { scrapeMetrics } from '../metrics-scrape.js';
import { scaled, sleep, type Scenario } from './scenario.js';
import { startSoakSystem } from './soak-system.js';

const IDLE = 2000;
const ANNOUNCED_BYTES = 256 * 2 ** 20;
const SENT_BYTES = 16 * 2 ** 20;
const RSS_BOUND_BYTES = 64 * 2 ** 20;

export const brokerAbuse: Scenario = {
  name: 'broker-abuse',
  async run(ctx) {
    const system = await startSoakSystem(ctx, { hopsPerSecond: 500 });
    const sockets: Socket[] = [];
    const problems: string[] = [];
    try {
      const rss = async () => (await scrapeMetrics(system.collector().httpUrl)).get('hopwatch_collector_process_resident_memory_bytes') ?? 0;
      await sleep(scaled(ctx, 10_000, 1000));
      const baseline = await rss();
      let peak = baseline;
      const sampler = setInterval(() => void rss().then((r) => { peak = Math.max(peak, r); }, () => undefined), 250);
      try {
        for (let i = 0; i < IDLE; i++) {
          const socket = await rawSocket(system.brokerUrl);
          // keepalive 0: the broker never times an accepted idle client out.
          if (i % 2 === 0) socket.write(connectPacket({ clientId: `idle-${i}`, keepalive: 0 }));
          socket.resume();
          sockets.push(socket);
        }
        ctx.log(`${IDLE} idle connections open`);
        const attempts = scaled(ctx, 20, 2);
        let closedAtHeader = 0;
        for (let a = 0; a < attempts; a++) {
          const socket = await rawSocket(system.brokerUrl);
          if (a % 2 === 1) socket.write(connectPacket({ clientId: `oversized-${a}`, keepalive: 0 }));
          socket.write(Buffer.concat([Buffer.from([0x30]), remainingLength(ANNOUNCED_BYTES)]));
          const chunk = Buffer.alloc(64 * 1024, 0x5a);
          for (let sent = 0; sent < SENT_BYTES && !socket.destroyed; sent += chunk.length) {
            if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closedWithin(socket, 2000)]);
          }
          if (await closedWithin(socket, 5000)) closedAtHeader++;
          else problems.push(`oversized PUBLISH ${a + 1} was not closed`);
          socket.destroy();
        }
        // Past the connect time-out, only the CONNECTed idle clients are left.
        await sleep(11_000);
        const open = sockets.filter((s) => !s.destroyed).length;
        const growth = peak - baseline;
        if (growth > RSS_BOUND_BYTES) problems.push(`collector RSS grew ${Math.round(growth / 2 ** 20)} MiB (bound ${RSS_BOUND_BYTES / 2 ** 20} MiB)`);
        if (open !== IDLE / 2) problems.push(`${open} idle connections open after the connect time-out (expected ${IDLE / 2})`);
        const denied = await scrapeMetrics(system.collector().httpUrl);
        const tally = await system.finish(120_000);
        return {
          ...tally, idleConnections: IDLE, idleOpenAfterTimeout: open, oversizedPublishes: attempts, oversizedClosed: closedAtHeader,
          rssBaselineMb: Math.round(baseline / 2 ** 20), rssPeakMb: Math.round(peak / 2 ** 20),
          deniedPacketSize: denied.get('hopwatch_mqtt_denied_total{action="packet",reason="packet-size"}') ?? 0,
          deniedConnectTimeout: denied.get('hopwatch_mqtt_denied_total{action="connect",reason="connect-timeout"}') ?? 0,
          problems,
        };
      } finally {
        clearInterval(sampler);
      }
    } finally {
      for (const s of sockets) s.destroy();
      await system.close();
    }
  },
};
