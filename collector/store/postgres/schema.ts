// Every migration a PostgreSQL collector database runs, in order: the one list
// openPostgresStore applies. Tables of other components append their own list here.
import { ALERTING_MIGRATIONS } from './alerting-schema.js';
import { CORE_MIGRATIONS } from './core-migrations.js';
import { HOP_MINUTE_MIGRATIONS } from './hop-minutes.js';
import { LEASE_MIGRATIONS } from './lease-schema.js';
import { METRIC_MIGRATIONS } from './metric-schema.js';
import type { PostgresMigration } from './migrations.js';
import { PARTITION_MIGRATIONS } from './partition-migrations.js';

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [...CORE_MIGRATIONS, ...METRIC_MIGRATIONS, ...ALERTING_MIGRATIONS, ...LEASE_MIGRATIONS, ...HOP_MINUTE_MIGRATIONS, ...PARTITION_MIGRATIONS];
