// A million fuzzed batches (fuzz-batches.ts) published on eight agents' hops topics of the
// embedded broker, beside a rig's good traffic through a real agent. Every fuzzed batch must be
// refused (none in the collector's batch log) and the good journeys must all arrive once.
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { createRandom } from '../../firmware-stubs/random.js';
import { topics } from '../../proto/topics.js';
import { scrapeMetrics } from '../metrics-scrape.js';
import { FUZZ_KINDS, fuzzBatch, seedBatch, type FuzzKind } from './fuzz-batches.js';
import { scaled, sleep, type Scenario } from './scenario.js';
import { startSoakSystem } from './soak-system.js';

const FUZZ_AGENTS = 8;
const SEEDS = 64;

export const fuzzedBatches: Scenario = {
  name: 'fuzzed-batches',
  async run(ctx) {
    const total = scaled(ctx, 1_000_000, 2000);
    const system = await startSoakSystem(ctx, { hopsPerSecond: 500 });
    const clients: mqtt.MqttClient[] = [];
    try {
      const random = createRandom(20261128);
      const seeds = Array.from({ length: SEEDS }, (_, i) => seedBatch(`fuzz-${i % FUZZ_AGENTS}`, i + 1, 2 * random.int(1, 200), random));
      for (let a = 0; a < FUZZ_AGENTS; a++) clients.push(await mqtt.connectAsync(system.brokerUrl, { clientId: `fuzz-${a}`, reconnectPeriod: 0 }));
      const byKind = Object.fromEntries(FUZZ_KINDS.map((k) => [k, 0])) as Record<FuzzKind, number>;
      for (let n = 0; n < total; n += 1000) {
        await Promise.all(Array.from({ length: Math.min(1000, total - n) }, () => {
          const s = random.int(0, SEEDS);
          const kind = random.pick(FUZZ_KINDS);
          byKind[kind]++;
          const bytes = fuzzBatch(kind, seeds[s]!, seeds[(s + 1) % SEEDS]!, random);
          return clients[s % FUZZ_AGENTS]!.publishAsync(topics.hops(`fuzz-${s % FUZZ_AGENTS}`, 0), Buffer.from(bytes), { qos: 0 });
        }));
        if (n % 100_000 === 0) ctx.log(`${n} fuzzed batches published, rig has ${system.rig.sent} journeys answered`);
      }
      // QoS 0: a publish resolves once written to the socket. Wait until the collector has taken
      // every fuzzed batch (each is rejected, or refused while the ingest queue is full).
      const refused = async () => {
        const metrics = await scrapeMetrics(system.collector().httpUrl);
        let rejected = 0;
        for (const [name, value] of metrics) if (name.startsWith('hopwatch_rejected_batches_total')) rejected += value;
        return { rejected, overloaded: metrics.get('hopwatch_overloaded_batches_total') ?? 0 };
      };
      let seen = await refused();
      for (let quietSince = Date.now(); seen.rejected + seen.overloaded < total && Date.now() - quietSince < 30_000;) {
        await sleep(500);
        const now = await refused();
        if (now.rejected + now.overloaded > seen.rejected + seen.overloaded) quietSince = Date.now();
        seen = now;
      }
      const tally = await system.finish(300_000);
      const db = new Database(system.dbFile, { readonly: true });
      const storedFuzz = db.prepare("SELECT count(*) FROM batches WHERE agent_id LIKE 'fuzz-%'").pluck().get() as number;
      db.close();
      const problems = storedFuzz > 0 ? [`${storedFuzz} fuzzed batches stored`] : [];
      return { ...tally, fuzzed: total, fuzzedByKind: byKind, fuzzedStored: storedFuzz, rejected: seen.rejected, overloaded: seen.overloaded, problems };
    } finally {
      await Promise.all(clients.map((c) => c.endAsync()));
      await system.close();
    }
  },
};
