// A deployment keeps the partition count it started with: agents route batches by it and
// collectors own journeys by it, so a collector with another count would misread both.
//
// A new store's default depends on who can share it. A SQLite file has one collector, which holds
// every partition: one partition, so agents send whole chunks and nothing is split for nobody.
// A PostgreSQL store can be shared by several collectors (README "Running several collectors"):
// 64 partitions, enough to spread over many members and move a few at a time.
import { HopwatchError } from '../../common/error-codes.js';
import { DEFAULT_PARTITION_COUNT } from '../../proto/partition.js';
import { CollectorError } from '../errors.js';
import type { StoreKind } from '../store/open-backend.js';
import type { BatchLog } from '../store/ports/batch-log.js';

export const DEFAULT_PARTITIONS_BY_STORE: Readonly<Record<StoreKind, number>> = { sqlite: 1, postgres: DEFAULT_PARTITION_COUNT };

/**
 * The deployment's partition count: the one the store records, or for a new store `configured`
 * (0: the store kind's default), which is then recorded. Throws HW_COLLECTOR_PARTITION_COUNT when
 * `configured` is set and the store records another.
 */
export function resolvePartitionCount(store: Pick<BatchLog, 'partitionCount'>, kind: StoreKind, configured: number): number {
  const recorded = store.partitionCount(configured || DEFAULT_PARTITIONS_BY_STORE[kind]);
  if (configured === 0 || recorded === configured) return recorded;
  throw new HopwatchError(CollectorError.HW_COLLECTOR_PARTITION_COUNT.code,
    `the store records ${recorded} partitions, but ingest.partitions is ${configured}: start with --partitions ${recorded} (or without --partitions), or use a new store`);
}
