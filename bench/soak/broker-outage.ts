// Mosquitto between agent and collector goes down for ten minutes while a rig posts 500 hops/s.
// The agent buffers everything (5 minutes of traffic is 300,000 hops, well inside its 256 MiB),
// both sides reconnect when Mosquitto is back on the same port, and the backlog drains.
import { anonymousConf, freePort, startMosquitto } from '../mosquitto.js';
import { scaled, sleep, type Scenario } from './scenario.js';
import { startSoakSystem } from './soak-system.js';

export const brokerOutage: Scenario = {
  name: 'broker-outage',
  async run(ctx) {
    const conf = anonymousConf(await freePort());
    let mosquitto = await startMosquitto(ctx.dir, conf);
    const system = await startSoakSystem(ctx, { hopsPerSecond: 500, brokerUrl: mosquitto.url }).catch(async (err: unknown) => {
      await mosquitto.stop();
      throw err;
    });
    try {
      await sleep(scaled(ctx, 30_000, 1000));
      await mosquitto.stop();
      const outageMs = scaled(ctx, 600_000, 2000);
      const downAt = Date.now();
      ctx.log(`mosquitto down for ${outageMs / 1000} s`);
      while (Date.now() - downAt < outageMs) {
        await sleep(Math.min(60_000, outageMs - (Date.now() - downAt)));
        const s = await system.agent().status();
        ctx.log(`${Math.round((Date.now() - downAt) / 1000)} s down: rig has ${system.rig.sent} journeys answered, agent buffers ${s.buffer.batches} batches`);
      }
      mosquitto = await startMosquitto(ctx.dir, conf);
      ctx.log('mosquitto back');
      await sleep(scaled(ctx, 30_000, 1000));
      const tally = await system.finish(scaled(ctx, 600_000, 120_000));
      return { ...tally, outageSeconds: outageMs / 1000, hopsPerSecond: 500, problems: [] };
    } finally {
      await system.close();
      await mosquitto.stop();
    }
  },
};
