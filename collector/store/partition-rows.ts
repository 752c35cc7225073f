// Partition bookkeeping both store backends share (SQLite, PostgreSQL): replay positions read
// from partition_positions rows, and the partition of an open journey stored before partitions.
import { partitionOfKey } from '../../proto/partition.js';
import { JoinKey } from '../join/join-key.js';

export interface PositionRow {
  readonly partition: number;
  readonly replayFrom: number;
}

/**
 * Each partition's replay position: its row, or `fallback` (the one position a store kept before
 * partitions, else 1) for a partition no checkpoint has written yet.
 */
export function positionsOf(rows: readonly PositionRow[], partitions: readonly number[], fallback: number): Map<number, number> {
  const byPartition = new Map(rows.map((r) => [r.partition, r.replayFrom]));
  return new Map(partitions.map((p) => [p, byPartition.get(p) ?? fallback]));
}

/**
 * The lowest replay position of any partition: no restart or handover can need a payload below
 * it. With the partition count unknown, or a partition without a row, `fallback` counts too.
 */
export function lowestPosition(rows: readonly PositionRow[], count: number | undefined, fallback: number): number {
  let lowest = rows.length === count ? Infinity : fallback;
  for (const r of rows) if (r.replayFrom < lowest) lowest = r.replayFrom;
  return lowest;
}

/** The partition of an open journey stored under `key` (text), or -1 when the key does not parse. */
export function partitionOfStoredKey(key: string, count: number): number {
  const parsed = JoinKey.parse(key);
  return parsed === undefined ? -1 : partitionOfKey(parsed, count);
}
