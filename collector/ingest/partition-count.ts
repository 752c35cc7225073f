// A deployment keeps the partition count it started with: agents route batches by it and
// collectors own journeys by it, so a collector with another count would misread both.
import { HopwatchError } from '../../common/error-codes.js';
import { CollectorError } from '../errors.js';
import type { BatchLog } from '../store/ports/batch-log.js';

/** Records `configured` in a new store; throws HW_COLLECTOR_PARTITION_COUNT when the store holds another. */
export function checkPartitionCount(store: Pick<BatchLog, 'partitionCount'>, configured: number): void {
  const recorded = store.partitionCount(configured);
  if (recorded === configured) return;
  throw new HopwatchError(CollectorError.HW_COLLECTOR_PARTITION_COUNT.code,
    `the store records ${recorded} partitions, but ingest.partitions is ${configured}: start with --partitions ${recorded}, or use a new store`);
}
