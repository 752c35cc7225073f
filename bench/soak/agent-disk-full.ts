// The agent's buffer is on a small tmpfs that fills up while the rig posts and the buffer
// drains: the intake answers 503 for what it cannot store (the rig posts it again), acks whose
// deletes fail are kept, and once space returns everything answered 200 arrives once.
import { join } from 'node:path';
import { mountSmallDisk } from '../full-disk.js';
import { scaled, sleep, type Scenario } from './scenario.js';
import { startSoakSystem } from './soak-system.js';

export const agentDiskFull: Scenario = {
  name: 'agent-disk-full',
  async run(ctx) {
    const disk = mountSmallDisk(16 * 1024 * 1024);
    if (!disk) throw new Error('mounting a tmpfs needs root or CAP_SYS_ADMIN');
    const problems: string[] = [];
    try {
      const system = await startSoakSystem(ctx, { hopsPerSecond: 500, bufferDir: join(disk.path) });
      try {
        await sleep(scaled(ctx, 10_000, 1000));
        disk.fill();
        const fullMs = scaled(ctx, 60_000, 2000);
        ctx.log(`agent disk full for ${fullMs / 1000} s`);
        await sleep(fullMs);
        const full = await system.agent().status();
        const retriesWhileFull = system.rig.retries;
        disk.free();
        ctx.log(`space back: ${full.writeFailedHops} hops refused, ${full.buffer.pendingRemovals} deletes pending`);
        await sleep(scaled(ctx, 10_000, 1000));
        const ended = system.agent().exited();
        if (ended) problems.push(`agent ended (${ended})`);
        const tally = await system.finish(120_000);
        return { ...tally, refusedHops: full.writeFailedHops, rigRetries: retriesWhileFull, problems };
      } finally {
        await system.close();
      }
    } finally {
      disk.cleanup();
    }
  },
};
