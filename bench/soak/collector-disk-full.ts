// The collector's database is on a small tmpfs that stays full for 60 s while traffic flows,
// and the collector is SIGKILLed and started again halfway through: it must come up once space
// returns and store nothing twice; batches it cannot commit are not acknowledged and come again.
import { mountSmallDisk } from '../full-disk.js';
import { scrapeMetrics } from '../metrics-scrape.js';
import { scaled, sleep, type Scenario } from './scenario.js';
import { startSoakSystem } from './soak-system.js';

export const collectorDiskFull: Scenario = {
  name: 'collector-disk-full',
  async run(ctx) {
    const disk = mountSmallDisk(64 * 1024 * 1024);
    if (!disk) throw new Error('mounting a tmpfs needs root or CAP_SYS_ADMIN');
    const problems: string[] = [];
    try {
      const system = await startSoakSystem(ctx, { hopsPerSecond: 500, dbDir: disk.path });
      try {
        await sleep(scaled(ctx, 10_000, 1000));
        disk.fill();
        const fullMs = scaled(ctx, 60_000, 3000);
        ctx.log(`collector disk full for ${fullMs / 1000} s`);
        await sleep(fullMs / 2);
        const failures = (await scrapeMetrics(system.collector().httpUrl)).get('hopwatch_store_failures_total') ?? 0;
        await system.collector().kill('SIGKILL');
        // The restart replays the batches logged since the last checkpoint: on a full disk it
        // waits, trying again every second, and answers once space returns.
        const restarted = system.startCollector();
        await sleep(fullMs / 2);
        disk.free();
        try {
          await restarted;
        } catch (err) {
          problems.push(`the collector restarted on a full disk did not come up once space returned: ${(err as Error).message}`);
          await system.startCollector();
        }
        ctx.log(`space back after ${failures} failed commits`);
        const tally = await system.finish(120_000);
        return { ...tally, storeFailures: failures, problems };
      } finally {
        await system.close();
      }
    } finally {
      disk.cleanup();
    }
  },
};
