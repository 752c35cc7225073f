// Journey records: one row per closed journey (its key and start), amended in place when a
// late hop changes it, read back by key (late hops, the journeys API), by filter (newest
// first) and as figures for aggregation.
import type { JoinStoreReader, TickWrites } from '../../join/joiner.js';
import type { Figures, JourneyRecord, Outcome, Segment } from '../../join/journey-record.js';
import type { JourneyContext } from '../../../proto/hop-context.js';

export interface JourneyFilter {
  readonly srv?: string;
  /** started_us bounds, microseconds since the Unix epoch, inclusive from, exclusive to. */
  readonly fromUs?: number;
  readonly toUs?: number;
  readonly outcome?: Outcome;
  readonly cspRegion?: string;
  /** Only this DCC User's journeys (EUI-64): requests it originated, alerts addressed to it (the key's target). */
  readonly party?: string;
  /** The journey context's device model, device firmware and Communications Hub firmware. */
  readonly deviceModel?: string;
  readonly firmwareVersion?: string;
  readonly chFirmwareVersion?: string;
  readonly limit: number;
}

export interface StoredJourney extends JourneyRecord {
  readonly id: number;
  readonly writtenAtMs: number;
}

/** The figures of one record, for aggregation. */
export interface FigureRow {
  readonly srv: string | null;
  readonly startedUs: number;
  readonly outcome: Outcome;
  readonly reason: string | null;
  readonly rttUs: number | null;
  readonly dccUs: number | null;
  readonly key: string;
  readonly context: JourneyContext;
  /** Every figure and segment of the record, as built (comparisons pick any of them). */
  readonly figures: Figures;
  readonly segments: readonly Segment[];
}

export interface JourneyRecordStore extends Pick<JoinStoreReader, 'findRecords'> {
  /**
   * Writes a tick: deletes the checkpointed open journeys it closed, inserts each record, and
   * updates the stored one a write `amends` (by id). Writing the same journey (key and start)
   * again leaves one row holding the last write; `nowMs` becomes its writtenAtMs.
   */
  writeTick(writes: TickWrites, nowMs: number): void;
  /** Records matching every given filter, newest start first (then newest id), at most `limit`. */
  listJourneys(filter: JourneyFilter): StoredJourney[];
  /** Every record of the key, oldest start first; empty for an unknown or malformed key. */
  journeysByKey(key: string): StoredJourney[];
  /** The figures of every record matching the filter, in no promised order. */
  scanFigures(filter: Omit<JourneyFilter, 'limit'>): Iterable<FigureRow>;
  /** Keys of records that started at or after `sinceUs` (a key once per record). */
  recentKeys(sinceUs: number): Iterable<string>;
}
