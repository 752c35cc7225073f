// The agent is SIGKILLed twenty times while a rig posts to its HTTP intake. Every journey the
// intake answered 200 for is in the buffer and must reach the collector once; a request the
// agent committed but died before answering is posted again by the rig, and must not double.
// The restarted agent must stay up (no crash loop on the buffer it left behind).
import { scaled, sleep, type Scenario } from './scenario.js';
import { startSoakSystem } from './soak-system.js';

const KILLS = 20;
export const agentKill: Scenario = {
  name: 'agent-kill',
  async run(ctx) {
    const system = await startSoakSystem(ctx, { hopsPerSecond: 500 });
    const problems: string[] = [];
    try {
      for (let kill = 1; kill <= KILLS; kill++) {
        await sleep(scaled(ctx, 5000, 500));
        await system.agent().kill('SIGKILL');
        await system.startAgent();
        // A crash loop would end the new process soon after it answered /healthz.
        await sleep(scaled(ctx, 1000, 200));
        const ended = system.agent().exited();
        if (ended) {
          problems.push(`agent ended (${ended}) after restart ${kill}`);
          break;
        }
        ctx.log(`kill ${kill}/${KILLS}: rig has ${system.rig.sent} journeys answered, ${system.rig.retries} requests posted again`);
      }
      const tally = await system.finish(120_000);
      return { ...tally, kills: KILLS, rigRetries: system.rig.retries, problems };
    } finally {
      await system.close();
    }
  },
};
