// PostgreSQL implementation of AlertHistoryStore: alert_series and alert_events
// (alerting-schema.ts). A change is a few rows an evaluation: one multi-row statement per table.
import type { AlertEvent, AlertHistoryStore, AlertSeriesState } from '../ports/alert-history.js';
import type { SyncPostgres } from './sync-postgres.js';

const EVENT = 'id, at_ms AS "atMs", rule, labels, from_state AS "from", to_state AS "to", value';
const SERIES = 'key, rule, labels, state, since_ms AS "sinceMs", starts_at_ms AS "startsAtMs", ends_at_ms AS "endsAtMs", value';

/** `($1, $2, …), ($n+1, …)` for rows of `width` parameters. */
const placeholders = (rows: number, width: number) =>
  Array.from({ length: rows }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');

export function createPostgresAlertHistory(db: SyncPostgres): AlertHistoryStore {
  return {
    save(change, keep) {
      db.transaction(() => {
        if (change.events.length > 0) {
          db.query(`INSERT INTO alert_events (id, at_ms, rule, labels, from_state, to_state, value) VALUES ${placeholders(change.events.length, 7)}`,
            change.events.flatMap((e) => [e.id, e.atMs, e.rule, JSON.stringify(e.labels), e.from, e.to, e.value]));
        }
        if (change.series.length > 0) {
          db.query(`INSERT INTO alert_series (key, rule, labels, state, since_ms, starts_at_ms, ends_at_ms, value) VALUES ${placeholders(change.series.length, 8)}
            ON CONFLICT (key) DO UPDATE SET rule = excluded.rule, labels = excluded.labels, state = excluded.state, since_ms = excluded.since_ms,
              starts_at_ms = excluded.starts_at_ms, ends_at_ms = excluded.ends_at_ms, value = excluded.value`,
          change.series.flatMap((x) => [x.key, x.rule, JSON.stringify(x.labels), x.state, x.sinceMs, x.startsAtMs, x.endsAtMs, x.value]));
        }
        if (change.forgotten.length > 0) db.query('DELETE FROM alert_series WHERE key = ANY($1::text[])', [change.forgotten]);
        db.query('DELETE FROM alert_events WHERE id <= (SELECT max(id) FROM alert_events) - $1', [keep]);
      });
    },
    events: (limit) => db.query<AlertEvent & { labels: string }>(`SELECT ${EVENT} FROM alert_events ORDER BY id DESC LIMIT $1`, [limit])
      .map((r) => ({ ...r, labels: JSON.parse(r.labels) as Record<string, string> })),
    series: () => db.query<AlertSeriesState & { labels: string }>(`SELECT ${SERIES} FROM alert_series ORDER BY key`)
      .map((r) => ({ ...r, labels: JSON.parse(r.labels) as Record<string, string> })),
  };
}
