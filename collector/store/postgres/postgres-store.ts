// The core Store on PostgreSQL: the same ports and semantics as the SQLite store
// (sqlite-store.ts), on one synchronous connection (sync-postgres.ts). Journey records are
// partitioned by UTC day (journey-partitions.ts); the schema is the migration list of
// schema.ts, applied at open.
import type { Store } from '../store.js';
import { createPostgresAgentState } from './agent-state.js';
import { createPostgresBatchLog } from './batch-log.js';
import { createPostgresContextRegistry } from './context-table.js';
import { createPostgresHopMinutes } from './hop-minutes.js';
import { createJourneyPartitions, type JourneyPartitions } from './journey-partitions.js';
import { createPostgresJourneyRecords } from './journey-records.js';
import { createMetaTable } from './meta-table.js';
import { runPostgresMigrations, type PostgresMigration } from './migrations.js';
import { createPostgresOpenJourneys } from './open-journeys.js';
import { POSTGRES_MIGRATIONS } from './schema.js';
import { openSyncPostgres, type SyncPostgres } from './sync-postgres.js';

export interface PostgresStoreOptions {
  /** postgres://user[:password]@host[:port]/database */
  readonly url: string;
  /** The migrations to apply (default: every one of schema.ts). */
  readonly migrations?: readonly PostgresMigration[];
}

/** The PostgreSQL store, and its connection for modules that keep tables of their own in the same database. */
export interface PostgresStore extends Store {
  readonly db: SyncPostgres;
  /** The day partitions of journey records; dropping one is how records older than a day go. */
  readonly partitions: JourneyPartitions;
}

/** Connects and migrates. Throws HW_COLLECTOR_STORE_OPEN when the server cannot be reached or refuses. */
export function openPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const db = openSyncPostgres(options.url, { applicationName: 'hopwatch-collector' });
  try {
    runPostgresMigrations(db, options.migrations ?? POSTGRES_MIGRATIONS);
    return storeOn(db);
  } catch (err) {
    db.close();
    throw err;
  }
}

function storeOn(db: SyncPostgres): PostgresStore {
  const meta = createMetaTable(db);
  const contexts = createPostgresContextRegistry(db);
  const partitions = createJourneyPartitions(db);
  // A rolled-back transaction may have created contexts and partitions that are gone: the
  // caches are read again before the next use (the server may be down right now).
  let stale = false;
  const fresh = () => {
    if (!stale) return;
    contexts.reload();
    partitions.forget();
    stale = false;
  };
  const records = createPostgresJourneyRecords(db, contexts, partitions);
  return {
    db,
    partitions,
    transaction(fn) {
      fresh();
      try {
        return db.transaction(fn);
      } catch (err) {
        stale = true;
        throw err;
      }
    },
    ...createPostgresBatchLog(db, meta),
    ...createPostgresOpenJourneys(db),
    ...createPostgresAgentState(db),
    ...createPostgresHopMinutes(db),
    writeTick: (writes, nowMs) => (fresh(), records.writeTick(writes, nowMs)),
    findRecords: (key) => (fresh(), records.findRecords(key)),
    listJourneys: (filter) => (fresh(), records.listJourneys(filter)),
    journeysByKey: (key) => (fresh(), records.journeysByKey(key)),
    scanFigures: (filter) => records.scanFigures(filter),
    recentKeys: (sinceUs) => records.recentKeys(sinceUs),
    close: () => db.close(),
  };
}
