// The collector's storage, behind one interface (test/integration/store-conformance runs
// the same suite against every implementation).
import type { ClockStateStore } from '../clock/clock-registry.js';
import type { CheckpointWrites, JoinStoreReader, TickWrites } from '../join/joiner.js';
import type { JourneyRecord, Outcome } from '../join/journey-record.js';
import type { OpenJourneyState } from '../join/open-journey-state.js';

export interface NewBatch {
  readonly agentId: string;
  readonly streamId: number;
  readonly seq: number;
  readonly receivedAtMs: number;
  readonly hops: number;
  readonly payload: Uint8Array;
}

export interface LoggedBatch {
  readonly id: number;
  readonly agentId: string;
  readonly receivedAtMs: number;
  readonly payload: Uint8Array;
}

export interface JourneyFilter {
  readonly srv?: string;
  /** started_us bounds, microseconds since the Unix epoch, inclusive from, exclusive to. */
  readonly fromUs?: number;
  readonly toUs?: number;
  readonly outcome?: Outcome;
  readonly cspRegion?: string;
  /** Only this DCC User's journeys (EUI-64): requests it originated, alerts addressed to it (the key's target). */
  readonly party?: string;
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
}

export interface AgentStatusRow {
  readonly agentId: string;
  readonly status: Record<string, unknown>;
  readonly updatedAtMs: number;
}

export interface Store extends JoinStoreReader, ClockStateStore {
  /** Runs `fn` in one transaction; everything written inside commits or none of it does. */
  transaction<T>(fn: () => T): T;
  /** Appends a batch to the log; undefined when (agent, stream, seq) is already there. */
  insertBatch(batch: NewBatch): number | undefined;
  /** Records of closed journeys (insert, or update when amending) and the open journeys they replace. */
  writeTick(writes: TickWrites, nowMs: number): void;
  writeCheckpoint(checkpoint: CheckpointWrites): void;
  replayFromBatchId(): number;
  /** Open journeys from the last checkpoint, at most `limit`, soonest deadline first. */
  openJourneys(limit: number): Iterable<OpenJourneyState>;
  /** Keys of records that started at or after `sinceUs`. */
  recentKeys(sinceUs: number): Iterable<string>;
  batchesFrom(id: number): Iterable<LoggedBatch>;
  /** Drops payloads no restart can need, and dedupe rows older than the retention. */
  prune(nowMs: number, dedupeRetentionMs: number): void;
  upsertAgentStatus(agentId: string, status: Record<string, unknown>, nowMs: number): void;
  agentStatuses(): AgentStatusRow[];
  listJourneys(filter: JourneyFilter): StoredJourney[];
  journeysByKey(key: string): StoredJourney[];
  scanFigures(filter: Omit<JourneyFilter, 'limit'>): Iterable<FigureRow>;
  close(): void;
}
