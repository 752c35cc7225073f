// Open-journey checkpoints: journeys still open when a checkpoint ran, kept so a restart (or the
// collector a partition is handed to) resumes them, and the batch-log position each partition
// replays from. A tick that closes one
// deletes it (journey-records.ts, writeTick); what the joiner reads is OpenJourneyStore.
import type { CheckpointWrites } from '../../join/joiner.js';
import type { OpenJourneyState } from '../../join/open-journey-state.js';
import type { OpenJourneyStore } from '../../join/open-journeys.js';

export interface OpenJourneyCheckpoints extends OpenJourneyStore {
  /**
   * Saves each open journey with its partition, replacing the one stored under the same key, and
   * records the replay position of each partition in `positions` (BatchLog.replayPositions);
   * other partitions' positions are left as they are. Writing the same checkpoint twice stores the same.
   */
  writeCheckpoint(checkpoint: CheckpointWrites): void;
  /** Stored open journeys (of these partitions, when given), at most `limit`, soonest deadline first. */
  openJourneys(limit: number, partitions?: readonly number[]): Iterable<OpenJourneyState>;
}
