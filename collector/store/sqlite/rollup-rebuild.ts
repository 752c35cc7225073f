// SQLite implementation of RollupRebuildSource: metric_state 'signature', the derived metric
// tables, and the journeys (with their contexts and hops, decoded) in write order.
import type Database from 'better-sqlite3';
import type { JourneyContext } from '../../../proto/hop-context.js';
import { CONTEXT_COLUMNS } from '../context-registry.js';
import { decodeHops } from '../hops-codec.js';
import type { RollupRebuildSource, StoredRecordSource } from '../ports/rollup-rebuild.js';

/** Tables derived from the records; maintenance, incidents, groups, reasons and heartbeats are kept. */
const DERIVED = ['metric_deltas', 'metric_rollups', 'metric_device_events', 'metric_topups', 'metric_tags', 'metric_cos', 'metric_activity', 'metric_probes', 'metric_estate', 'metric_sequence_events', 'metric_last_requests', 'metric_failure_links'];

type RecordRow = Record<string, string | null> & { id: number; key: string; reason: string | null; hops: Buffer; amendments: number };

export function createSqliteRollupRebuild(db: Database.Database): RollupRebuildSource {
  const s = {
    signature: db.prepare("SELECT value FROM metric_state WHERE name = 'signature'").pluck(),
    saveSignature: db.prepare("INSERT INTO metric_state (name, value) VALUES ('signature', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
    hasRecords: db.prepare('SELECT 1 FROM journeys LIMIT 1'),
    clear: DERIVED.map((table) => db.prepare(`DELETE FROM ${table}`)),
    page: db.prepare(`SELECT j.id, j.key, j.reason, j.hops, j.amendments, ${CONTEXT_COLUMNS.map(([f, c]) => `c.${c} AS ${f}`).join(', ')}
      FROM journeys j JOIN contexts c ON c.id = j.context_id WHERE j.id > ? ORDER BY j.id LIMIT ?`),
  };
  return {
    signature: () => s.signature.get() as string | undefined,
    saveSignature: (signature) => void s.saveSignature.run(signature),
    hasRecords: () => s.hasRecords.get() !== undefined,
    clearDerived() {
      for (const stmt of s.clear) stmt.run();
    },
    recordsAfter: (afterId, limit) => (s.page.all(afterId, limit) as RecordRow[]).map((row): StoredRecordSource => {
      const context: Record<string, string> = {};
      for (const [field] of CONTEXT_COLUMNS) if (row[field] != null) context[field] = row[field]!;
      return { id: row.id, key: row.key, reason: row.reason, hops: decodeHops(row.hops), context: context as JourneyContext, amendments: row.amendments };
    }),
  };
}
