// What rebuilding the rollups needs (collector/metrics/rebuild.ts): the signature of the
// inputs they were built with, a way to empty what is derived, and the stored records in
// write order.
import type { JourneyContext } from '../../../proto/hop-context.js';
import type { JourneyHops } from '../../join/journey-record.js';

/** A stored record as written, before the catalogue gives it meaning. */
export interface StoredRecordSource {
  readonly id: number;
  readonly key: string;
  readonly reason: string | null;
  readonly hops: JourneyHops;
  readonly context: JourneyContext;
  readonly amendments: number;
}

export interface RollupRebuildSource {
  /** The signature saved with the rollups, or undefined when none is. */
  signature(): string | undefined;
  saveSignature(signature: string): void;
  hasRecords(): boolean;
  /** Empties every table derived from the records (maintenance, incidents, groups and heartbeats stay). */
  clearDerived(): void;
  /** Up to `limit` stored records with ids above `afterId`, in write order. */
  recordsAfter(afterId: number, limit: number): StoredRecordSource[];
}
