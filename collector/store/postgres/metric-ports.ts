// The metric engine's ports on PostgreSQL: on the collector's store connection (the rollups
// commit in the ingest transaction), or on a connection of their own, read-only for
// `hopwatch report` beside a running collector.
import { HopwatchError } from '../../../common/error-codes.js';
import type { MetricPorts, OpenedMetricPorts } from '../ports/metric-ports.js';
import { createPostgresActivityEvidence } from './activity-evidence.js';
import { createPostgresCosState } from './cos-state.js';
import { createPostgresDeviceEstate } from './device-estate.js';
import { createPostgresFailureLinks } from './failure-links.js';
import { createPostgresMetricRollups } from './metric-rollups.js';
import { createPostgresOperationsLog } from './operations-log.js';
import { createPostgresRollupGroups } from './rollup-groups.js';
import { createPostgresRollupRebuild } from './rollup-rebuild.js';
import { createPostgresSequenceEvents } from './sequence-events.js';
import { createPostgresSequenceState } from './sequence-state.js';
import { openSyncPostgres, redact, type SyncPostgres } from './sync-postgres.js';

export interface PostgresMetricPortsOptions {
  /** Refuse every write (a report beside a running collector). */
  readonly readonly?: boolean;
}

/**
 * The metric ports on a connection: the store's own, so that their writes join its
 * transactions. `readonly` only marks them; openPostgresMetricPorts makes the session refuse writes.
 */
export function postgresMetricPorts(db: SyncPostgres, options: PostgresMetricPortsOptions = {}): MetricPorts {
  return {
    rollups: createPostgresMetricRollups(db),
    groups: createPostgresRollupGroups(db),
    sequence: createPostgresSequenceState(db),
    cos: createPostgresCosState(db),
    activity: createPostgresActivityEvidence(db),
    operations: createPostgresOperationsLog(db),
    rebuild: createPostgresRollupRebuild(db),
    estate: createPostgresDeviceEstate(db),
    sequenceEvents: createPostgresSequenceEvents(db),
    failureLinks: createPostgresFailureLinks(db),
    readonly: options.readonly === true,
    transaction: (fn) => db.transaction(fn),
    readConsistently(fn) {
      // Inside a transaction already begun the isolation level can no longer be set: a savepoint reads as it does.
      if (db.inTransaction) return db.transaction(fn);
      // One snapshot for every statement of fn, as a SQLite read transaction gives.
      return db.transaction(() => {
        db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        return fn();
      });
    },
  };
}

/**
 * The metric ports on a connection of their own to a collector's PostgreSQL database. With
 * `readonly`, the session refuses every write (default_transaction_read_only). Throws
 * HW_COLLECTOR_STORE_OPEN when the server cannot be reached, HW_COLLECTOR_REPORT when the
 * database has no metric tables yet.
 */
export function openPostgresMetricPorts(url: string, options: PostgresMetricPortsOptions): OpenedMetricPorts {
  const db = openSyncPostgres(url, { applicationName: options.readonly === true ? 'hopwatch report' : 'hopwatch' });
  try {
    if (options.readonly === true) db.query('SET default_transaction_read_only = on');
    if (db.query<{ found: string | null }>("SELECT to_regclass('metric_rollups')::text AS found")[0]?.found == null) {
      throw new HopwatchError('HW_COLLECTOR_REPORT', `database ${redact(url)} has no metric tables: start the collector of this version on it once`);
    }
    return { ...postgresMetricPorts(db, options), close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}
