// Everything the metric engine stores, as one bundle of ports on one database. Writes made
// inside the ingest transaction commit with the records; `transaction` is for the engine's
// own writes (a rebuild); `readConsistently` gives a report one state while the collector
// writes. Read-only ports (`hopwatch report`) refuse every write.
import type { ActivityStore } from './activity-evidence.js';
import type { CosStore } from './cos-state.js';
import type { DeviceEstateStore } from './device-estate.js';
import type { FailureLinkStore } from './failure-links.js';
import type { MetricRollupStore } from './metric-rollups.js';
import type { OperationsLog } from './operations-log.js';
import type { RollupGroupStore } from './rollup-groups.js';
import type { RollupRebuildSource } from './rollup-rebuild.js';
import type { SequenceEventStore } from './sequence-events.js';
import type { SequenceStateStore } from './sequence-state.js';

export interface MetricPorts {
  readonly rollups: MetricRollupStore;
  readonly groups: RollupGroupStore;
  readonly sequence: SequenceStateStore;
  readonly cos: CosStore;
  readonly estate: DeviceEstateStore;
  readonly sequenceEvents: SequenceEventStore;
  readonly failureLinks: FailureLinkStore;
  readonly activity: ActivityStore;
  readonly operations: OperationsLog;
  readonly rebuild: RollupRebuildSource;
  readonly readonly: boolean;
  /** Runs `fn` in one write transaction: everything it writes commits or none of it does. */
  transaction<T>(fn: () => T): T;
  /** Runs `fn` on one consistent state of the store (reads only). */
  readConsistently<T>(fn: () => T): T;
}

/** Ports that opened their own connection (a report), closed when done. */
export interface OpenedMetricPorts extends MetricPorts {
  close(): void;
}
