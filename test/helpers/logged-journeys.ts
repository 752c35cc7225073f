// Journeys written straight into a store's batch log, as a member that joined nothing of them
// before it died would have left them: the next owner of their partitions replays them all.
import { journeyKey } from '../../agent/journey-key.js';
import { openStoreBackend } from '../../collector/store/open-backend.js';
import { partitionOfKey } from '../../proto/partition.js';
import { encodeTestBatch, keyText, type TestHop } from './batches.js';

export interface LoggedJourneysOptions {
  readonly partitionCount: number;
  /** Only journeys whose keys fall in these partitions are logged. */
  readonly partitions: readonly number[];
  /** Journeys tried; those in other partitions are left out. */
  readonly journeys: number;
  readonly hopsPerBatch: number;
  readonly agentId: string;
}

/** Logs complete journeys (UG_IN, then UG_OUT 2 s later) of `partitions`, one stream per partition; their keys. */
export function logJourneys(url: string, options: LoggedJourneysOptions): string[] {
  const wanted = new Set(options.partitions);
  const byPartition = new Map<number, TestHop[]>();
  const keys: string[] = [];
  const t0 = Date.now() * 1000;
  for (let j = 0; j < options.journeys; j++) {
    const key = keyText(900_000 + j, `00-DB-12-34-56-${((j >> 8) % 256).toString(16).padStart(2, '0').toUpperCase()}-${(j % 256).toString(16).padStart(2, '0').toUpperCase()}-A0`);
    const partition = partitionOfKey(journeyKey(key), options.partitionCount);
    if (!wanted.has(partition)) continue;
    keys.push(key);
    const hops = byPartition.get(partition) ?? [];
    hops.push({ key, point: 'UG_IN', timeUs: t0 + j, context: { srv: '1.1.1' } }, { key, point: 'UG_OUT', timeUs: t0 + j + 2_000_000, context: { code: 'I0' } });
    byPartition.set(partition, hops);
  }
  const { store } = openStoreBackend({ file: url, synchronous: 'full' });
  try {
    store.transaction(() => {
      for (const [partition, hops] of byPartition) {
        for (let from = 0, seq = 1; from < hops.length; from += options.hopsPerBatch, seq++) {
          const batch = hops.slice(from, from + options.hopsPerBatch);
          store.insertBatch({
            agentId: options.agentId, streamId: partition + 1, seq, partition, receivedAtMs: Date.now(), hops: batch.length,
            payload: encodeTestBatch(options.agentId, seq, batch, partition + 1),
          });
        }
      }
    });
  } finally {
    store.close();
  }
  return keys;
}
