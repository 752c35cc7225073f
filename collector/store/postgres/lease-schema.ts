// The tables of partition ownership (partition-leases.ts): one lease row per partition and
// one row per collector that takes part.
import type { PostgresMigration } from './migrations.js';

export const LEASE_MIGRATIONS: readonly PostgresMigration[] = [
  {
    name: 'partition-leases-1',
    sql: `
    CREATE TABLE partition_leases (
      partition integer PRIMARY KEY,
      owner text,                          -- NULL: free
      epoch bigint NOT NULL DEFAULT 0,     -- raised by every acquisition: fences the owners before
      acquired_at timestamptz,
      renewed_at timestamptz,
      expires_at timestamptz               -- the server's clock, never a collector's
    );
    CREATE TABLE collector_members (
      id text PRIMARY KEY,
      address text NOT NULL,
      started_at timestamptz NOT NULL,
      last_seen timestamptz NOT NULL,
      lag text NOT NULL DEFAULT '[]'       -- JSON: PartitionLag[] as of its last renewal
    );
    `,
  },
];
