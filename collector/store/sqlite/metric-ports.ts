// The metric engine's ports on SQLite: on the collector's store connection (the rollups commit
// in the ingest transaction), or on a connection of their own, read-only for `hopwatch report`.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { HopwatchError } from '../../../common/error-codes.js';
import type { MetricPorts, OpenedMetricPorts } from '../ports/metric-ports.js';
import type { SqliteStore } from '../sqlite-store.js';
import { createSqliteActivityEvidence } from './activity-evidence.js';
import { createSqliteCosState } from './cos-state.js';
import { createSqliteDeviceEstate } from './device-estate.js';
import { createSqliteFailureLinks } from './failure-links.js';
import { createSqliteMetricRollups } from './metric-rollups.js';
import { createSqliteOperationsLog } from './operations-log.js';
import { createSqliteRollupGroups } from './rollup-groups.js';
import { createSqliteRollupRebuild } from './rollup-rebuild.js';
import { createSqliteSequenceEvents } from './sequence-events.js';
import { createSqliteSequenceState } from './sequence-state.js';

/** The metric ports on the store's own connection, so that their writes join its transactions. */
export function sqliteMetricPorts(store: SqliteStore): MetricPorts {
  return metricPortsOn(store.db, false);
}

export interface OpenMetricPortsOptions {
  /** Refuse every write (a report beside a running collector). */
  readonly readonly: boolean;
}

/**
 * The metric ports on a connection of their own to an existing collector database. Throws
 * HW_COLLECTOR_REPORT when the file is missing or has no metric tables yet.
 */
export function openSqliteMetricPorts(file: string, options: OpenMetricPortsOptions): OpenedMetricPorts {
  if (file === ':memory:' || !existsSync(file)) throw new HopwatchError('HW_COLLECTOR_REPORT', `database ${file} does not exist (give --store, or run the collector first)`);
  const db = new Database(file, { readonly: options.readonly, fileMustExist: true });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'metric_rollups'").get() === undefined) {
      throw new HopwatchError('HW_COLLECTOR_REPORT', `database ${file} (schema version ${version}) has no metric tables: start the collector of this version on it once`);
    }
    return { ...metricPortsOn(db, options.readonly), close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}

function metricPortsOn(db: Database.Database, readonly: boolean): MetricPorts {
  return {
    rollups: createSqliteMetricRollups(db),
    groups: createSqliteRollupGroups(db),
    sequence: createSqliteSequenceState(db),
    cos: createSqliteCosState(db),
    estate: createSqliteDeviceEstate(db),
    sequenceEvents: createSqliteSequenceEvents(db),
    failureLinks: createSqliteFailureLinks(db),
    activity: createSqliteActivityEvidence(db),
    operations: createSqliteOperationsLog(db),
    rebuild: createSqliteRollupRebuild(db),
    readonly,
    transaction: (fn) => db.transaction(fn)(),
    readConsistently: (fn) => db.transaction(fn)(),
  };
}
