// The collector's database is on a small tmpfs that stays full for 60 s while traffic flows,
// and the collector is SIGKILLed and started again while it is full: it must start, answer,
// and store nothing twice; batches it cannot commit are not acknowledged and come again.
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
        await system.collector().kill('SIGKILL');
        try {
          await system.startCollector();
        } catch (err) {
          problems.push(`the collector did not start on a full disk: ${(err as Error).message}`);
        }
        await sleep(fullMs / 2);
        const failures = problems.length === 0 ? (await scrapeMetrics(system.collector().httpUrl)).get('hopwatch_store_failures_total') ?? 0 : 0;
        disk.free();
        if (problems.length > 0) await system.startCollector();
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
