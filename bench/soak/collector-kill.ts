// The collector is SIGKILLed ten times while a rig posts through an agent: each time it stays
// down a while and is started again on the same database. Acknowledged batches are in SQLite;
// the rest wait in the agent's buffer and are sent again.
import { scaled, sleep, type Scenario } from './scenario.js';
import { startSoakSystem } from './soak-system.js';

const KILLS = 10;

export const collectorKill: Scenario = {
  name: 'collector-kill',
  async run(ctx) {
    const system = await startSoakSystem(ctx, { hopsPerSecond: 500 });
    try {
      for (let kill = 1; kill <= KILLS; kill++) {
        await sleep(scaled(ctx, 10_000, 1000));
        await system.collector().kill('SIGKILL');
        await sleep(scaled(ctx, 3000, 300));
        await system.startCollector();
        ctx.log(`kill ${kill}/${KILLS}: rig has ${system.rig.sent} journeys answered`);
      }
      const tally = await system.finish(120_000);
      return { ...tally, kills: KILLS, problems: [] };
    } finally {
      await system.close();
    }
  },
};
