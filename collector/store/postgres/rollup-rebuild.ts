// PostgreSQL implementation of RollupRebuildSource: metric_state 'signature', the derived metric
// tables, and the journeys (with their contexts and hops, decoded) in write order. The journeys
// and contexts tables are the core store's; this reads the columns the SQLite store has too
// (journeys: id, key, reason, hops, amendments, context_id; contexts: id and CONTEXT_COLUMNS).
import type { JourneyContext } from '../../../proto/hop-context.js';
import { CONTEXT_COLUMNS } from '../context-registry.js';
import { decodeHops } from '../hops-codec.js';
import type { RollupRebuildSource, StoredRecordSource } from '../ports/rollup-rebuild.js';
import type { SyncPostgres } from './sync-postgres.js';

/** Tables derived from the records; maintenance, incidents, groups, reasons and heartbeats are kept. */
const DERIVED = ['metric_deltas', 'metric_rollups', 'metric_device_events', 'metric_topups', 'metric_tags', 'metric_cos', 'metric_activity', 'metric_probes', 'metric_estate', 'metric_sequence_events', 'metric_last_requests', 'metric_failure_links'];
// DELETE, not TRUNCATE: a report reading in a snapshot taken before must still see the rows
// (TRUNCATE is not MVCC-safe). One text of several statements is one round trip.
const CLEAR = DERIVED.map((table) => `DELETE FROM ${table};`).join(' ');
const PAGE = `SELECT j.id, j.key, j.reason, j.hops, j.amendments, ${CONTEXT_COLUMNS.map(([f, c]) => `c.${c} AS "${f}"`).join(', ')}
  FROM journeys j JOIN contexts c ON c.id = j.context_id WHERE j.id > $1 ORDER BY j.id LIMIT $2`;

type RecordRow = Record<string, string | null> & { id: number; key: string; reason: string | null; hops: Uint8Array; amendments: number };

export function createPostgresRollupRebuild(db: SyncPostgres): RollupRebuildSource {
  return {
    signature: () => db.query<{ value: string }>("SELECT value FROM metric_state WHERE name = 'signature'")[0]?.value,
    saveSignature: (signature) => void db.query(`INSERT INTO metric_state (name, value) VALUES ('signature', $1)
      ON CONFLICT (name) DO UPDATE SET value = excluded.value`, [signature]),
    hasRecords: () => db.query('SELECT 1 FROM journeys LIMIT 1').length > 0,
    clearDerived: () => void db.query(CLEAR),
    recordsAfter: (afterId, limit) => db.query<RecordRow>(PAGE, [afterId, limit]).map((row): StoredRecordSource => {
      const context: Record<string, string> = {};
      for (const [field] of CONTEXT_COLUMNS) if (row[field] != null) context[field] = row[field]!;
      return { id: row.id, key: row.key, reason: row.reason, hops: decodeHops(toBuffer(row.hops)), context: context as JourneyContext, amendments: row.amendments };
    }),
  };
}

/** decodeHops reads with Buffer's methods; bytea arrives as a plain Uint8Array. */
const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
