// Proactive alerting's tables on PostgreSQL (alert-history.ts), mirroring SQLite's migration 7.
// Labels are JSON text (read back whole, never queried into); times are the collector's
// wall-clock milliseconds. Never edit a shipped migration: add the next one.
import type { PostgresMigration } from './migrations.js';

export const ALERTING_MIGRATIONS: readonly PostgresMigration[] = [
  {
    name: 'alerting-1',
    sql: `
    CREATE TABLE alert_series (
      key text PRIMARY KEY, rule text NOT NULL, labels text NOT NULL, state text NOT NULL,
      since_ms double precision NOT NULL, starts_at_ms double precision, ends_at_ms double precision, value double precision
    );
    CREATE TABLE alert_events (
      id bigint PRIMARY KEY, at_ms double precision NOT NULL, rule text NOT NULL, labels text NOT NULL,
      from_state text, to_state text NOT NULL, value double precision
    );
    `,
  },
];
