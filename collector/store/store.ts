// The collector's core storage: the ports in store/ports/ it is made of, on one database, with
// one transaction over all of them (test/integration/store-conformance runs the same suite
// against every implementation).
import type { AgentStatusStore } from './ports/agent-statuses.js';
import type { BatchLog } from './ports/batch-log.js';
import type { ClockModelStore } from './ports/clock-models.js';
import type { HopMinuteStore } from './ports/hop-minutes.js';
import type { JourneyRecordStore } from './ports/journey-records.js';
import type { OpenJourneyCheckpoints } from './ports/open-journeys.js';

export type { AgentStatusRow } from './ports/agent-statuses.js';
export type { LoggedBatch, NewBatch } from './ports/batch-log.js';
export type { FigureRow, JourneyFilter, StoredJourney } from './ports/journey-records.js';

export interface Store extends BatchLog, JourneyRecordStore, OpenJourneyCheckpoints, ClockModelStore, AgentStatusStore, HopMinuteStore {
  /** Runs `fn` in one transaction; everything written inside commits or none of it does. */
  transaction<T>(fn: () => T): T;
  close(): void;
}
