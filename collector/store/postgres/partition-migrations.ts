// Partitions on PostgreSQL (proto/partition.ts), as SQLite's migration 10 (store/migrations.ts):
// each logged batch and checkpointed open journey carries its partition (-1: from before
// partitions), and each partition has its own replay position, so that a collector restores and
// replays the partitions it takes over while the others keep theirs.
import type { PostgresMigration } from './migrations.js';

export const PARTITION_MIGRATIONS: readonly PostgresMigration[] = [
  {
    name: 'partitions-1',
    sql: `
    ALTER TABLE batches ADD COLUMN partition integer NOT NULL DEFAULT -1;
    CREATE INDEX batches_partition ON batches (partition, id);
    ALTER TABLE open_journeys ADD COLUMN partition integer NOT NULL DEFAULT -1;
    CREATE INDEX open_journeys_partition ON open_journeys (partition, deadline_ms);
    CREATE TABLE partition_positions (partition integer PRIMARY KEY, replay_from bigint NOT NULL);
    `,
  },
];
