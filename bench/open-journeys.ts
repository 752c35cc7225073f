// A million open journeys of the 24-hour class (SRV 6.15.1), sent to the collector CLI with
// its default settings: its memory while holding them, and all of them still open after a
// restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { encodePartitionedHops } from '../agent/partition-split.js';
import { HopChunk } from '../agent/hop-recorder.js';
import { JourneyKey } from '../agent/journey-key.js';
import { waitFor } from '../common/wait-for.js';
import { HopPoint } from '../proto/hop-point.js';
import { DEFAULT_PARTITION_COUNT } from '../proto/partition.js';
import { topics } from '../proto/topics.js';
import { AckStatus, WireBatchAck } from '../proto/wire.js';
import { collectorDefaults } from '../collector/config.js';
import { spawnCollector } from './collector-process.js';
import { scrapeMetrics } from './metrics-scrape.js';
import { freePort } from './mosquitto.js';

export interface OpenJourneysResult {
  readonly journeys: number;
  readonly ingestS: number;
  readonly peakRssMb: number;
  /** RSS once checkpoints have caught up and memory has settled, holding them all. */
  readonly heldRssMb: number;
  readonly openAfterIngest: number;
  readonly residentAfterIngest: number;
  readonly restartS: number;
  readonly openAfterRestart: number;
  readonly rssAfterRestartMb: number;
}

const BATCH_HOPS = 4096;
const RSS = 'hopwatch_collector_process_resident_memory_bytes';
const rss = (m: Map<string, number>) => m.get(RSS) ?? Infinity;
const mb = (m: Map<string, number>, name: string) => ((m.get(name) ?? 0) / 2 ** 20).toFixed(0);

export async function runOpenJourneys(options: { journeys: number; quietS: number; log?: (line: string) => void }): Promise<OpenJourneysResult> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-open-'));
  const brokerPort = await freePort();
  const httpPort = await freePort();
  const args = ['--broker-port', String(brokerPort), '--store', join(dir, 'collector.db')];
  let collector = await spawnCollector(args, httpPort);
  try {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { reconnectPeriod: 0 });
    let acked = 0;
    client.on('message', (_t, payload) => {
      if (WireBatchAck.decode(payload).status !== AckStatus.REJECTED) acked++;
    });
    await client.subscribeAsync(topics.ack('open-bench'), { qos: 1 });

    let peakRss = 0;
    const sample = async () => {
      const m = await scrapeMetrics(collector.httpUrl);
      peakRss = Math.max(peakRss, m.get(RSS) ?? 0);
      return m;
    };
    const started = Date.now();
    const chunk = new HopChunk(BATCH_HOPS);
    const context = { srv: '6.15.1', userRole: 'ED' };
    let seq = 0;
    const nowUs = Date.now() * 1000;
    for (let sent = 0; sent < options.journeys; sent += BATCH_HOPS) {
      chunk.length = 0;
      for (let i = 0; i < BATCH_HOPS && sent + i < options.journeys; i++) {
        const n = sent + i;
        chunk.keys[i] = new JourneyKey({ originator: { hi: 0x90b3d51f, lo: 0x30010003 }, target: { hi: 0x00db1234, lo: n }, counter: BigInt(nowUs / 1000 + n) });
        chunk.points[i] = HopPoint.UG_IN;
        chunk.timesUs[i] = nowUs + n;
        chunk.contexts[i] = context;
        chunk.length++;
      }
      for (const batch of encodePartitionedHops(chunk, DEFAULT_PARTITION_COUNT, BATCH_HOPS, () => ({ agentId: 'open-bench', streamId: 1, seq: ++seq }))) {
        await client.publishAsync(topics.hops('open-bench', batch.partition), Buffer.from(batch.bytes), { qos: 1 });
      }
      // Keep a bounded number of batches unacknowledged, as an agent does.
      await waitFor(() => seq - acked <= 32, 120_000, 'acks');
      if (seq % 50 === 0) {
        await sample();
        log(`  sent ${Math.min(options.journeys, sent + BATCH_HOPS)} journeys, collector RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`);
      }
    }
    await waitFor(() => acked === seq, 120_000, 'all acks');
    const ingestS = (Date.now() - started) / 1000;
    await client.endAsync();
    // Let checkpoints write every journey and bring memory down to the bound.
    const settled = await waitFor(async () => {
      const m = await sample();
      return (m.get('hopwatch_open_journeys') ?? 0) >= options.journeys && (m.get('hopwatch_open_journeys_resident') ?? Infinity) <= collectorDefaults.join.maxResidentJourneys && m;
    }, 300_000, 'open journeys checkpointed');
    // Held: the lowest RSS over quietS quiet seconds (a minute in the full bench). Evicted journeys are garbage until V8's next
    // major collection, which an idle process gets only from its memory reducer (about 20 s on).
    let held = settled;
    for (let i = 0; i < options.quietS; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const m = await scrapeMetrics(collector.httpUrl);
      if (rss(m) < rss(held)) held = m;
    }
    const heldRss = rss(held);
    log(`  ${settled.get('hopwatch_open_journeys')} open, ${settled.get('hopwatch_open_journeys_resident')} in memory; RSS ${mb(settled, RSS)} MB when stored, ${mb(held, RSS)} MB held (heap ${mb(held, 'hopwatch_collector_nodejs_heap_size_used_bytes')} MB); restarting`);

    await collector.kill('SIGTERM');
    const restartStarted = Date.now();
    collector = await spawnCollector(args, httpPort, 300_000);
    const restartS = (Date.now() - restartStarted) / 1000;
    const after = await scrapeMetrics(collector.httpUrl);
    return {
      journeys: options.journeys,
      ingestS,
      peakRssMb: peakRss / 2 ** 20,
      heldRssMb: heldRss / 2 ** 20,
      openAfterIngest: settled.get('hopwatch_open_journeys') ?? 0,
      residentAfterIngest: settled.get('hopwatch_open_journeys_resident') ?? 0,
      restartS,
      openAfterRestart: after.get('hopwatch_open_journeys') ?? 0,
      rssAfterRestartMb: (after.get(RSS) ?? 0) / 2 ** 20,
    };
  } finally {
    await collector.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
