// SQLite implementation of AlertHistoryStore: alert_series and alert_events (migration 7).
import type Database from 'better-sqlite3';
import type { AlertEvent, AlertHistoryStore, AlertSeriesState } from '../ports/alert-history.js';

interface EventRow { id: number; atMs: number; rule: string; labels: string; from: AlertEvent['from']; to: AlertEvent['to']; value: number | null }
interface SeriesRow { key: string; rule: string; labels: string; state: AlertSeriesState['state']; sinceMs: number; startsAtMs: number | null; endsAtMs: number | null; value: number | null }

export function createSqliteAlertHistory(db: Database.Database): AlertHistoryStore {
  const s = {
    insertEvent: db.prepare('INSERT INTO alert_events (id, at_ms, rule, labels, from_state, to_state, value) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    trim: db.prepare('DELETE FROM alert_events WHERE id <= (SELECT max(id) FROM alert_events) - ?'),
    upsertSeries: db.prepare(`INSERT INTO alert_series (key, rule, labels, state, since_ms, starts_at_ms, ends_at_ms, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET rule = excluded.rule, labels = excluded.labels, state = excluded.state, since_ms = excluded.since_ms,
        starts_at_ms = excluded.starts_at_ms, ends_at_ms = excluded.ends_at_ms, value = excluded.value`),
    deleteSeries: db.prepare('DELETE FROM alert_series WHERE key = ?'),
    events: db.prepare('SELECT id, at_ms AS atMs, rule, labels, from_state AS "from", to_state AS "to", value FROM alert_events ORDER BY id DESC LIMIT ?'),
    series: db.prepare('SELECT key, rule, labels, state, since_ms AS sinceMs, starts_at_ms AS startsAtMs, ends_at_ms AS endsAtMs, value FROM alert_series ORDER BY key'),
  };
  const save = db.transaction((change: Parameters<AlertHistoryStore['save']>[0], keep: number) => {
    for (const e of change.events) s.insertEvent.run(e.id, e.atMs, e.rule, JSON.stringify(e.labels), e.from, e.to, e.value);
    for (const x of change.series) s.upsertSeries.run(x.key, x.rule, JSON.stringify(x.labels), x.state, x.sinceMs, x.startsAtMs, x.endsAtMs, x.value);
    for (const key of change.forgotten) s.deleteSeries.run(key);
    s.trim.run(keep);
  });
  return {
    save: (change, keep) => save(change, keep),
    events: (limit) => (s.events.all(limit) as EventRow[]).map((r) => ({ ...r, labels: JSON.parse(r.labels) as Record<string, string> })),
    series: () => (s.series.all() as SeriesRow[]).map((r) => ({ ...r, labels: JSON.parse(r.labels) as Record<string, string> })),
  };
}
