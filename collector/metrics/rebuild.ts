// Rollups are derived from the journey records, the catalogue and the metric settings. When
// any of those changed (an existing database gets the metric tables for the first time, or a
// different catalogue is loaded), the derived tables are emptied and every stored record is
// passed through the sink again, in write order, so sequence rules see SRs as they came.
// Maintenance windows, incidents and heartbeats are not derived and are kept.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { JourneyContext } from '../../proto/hop-context.js';
import { JoinKey } from '../join/join-key.js';
import type { RecordWrite } from '../join/joiner.js';
import { buildRecord } from '../join/journey-record.js';
import { CONTEXT_COLUMNS } from '../store/context-registry.js';
import { decodeHops } from '../store/hops-codec.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { MetricsConfig } from './metrics-config.js';
import type { RollupSink } from './rollup-sink.js';

/** Bumped whenever the rollup encoding or a rule in code changes what the tables hold. */
const ROLLUP_FORMAT = 1;
const CHUNK = 5000;
const DERIVED = ['metric_deltas', 'metric_rollups', 'metric_device_events', 'metric_topups', 'metric_tags', 'metric_cos', 'metric_activity', 'metric_probes'];

export function rollupSignature(catalogue: Catalogue, config: MetricsConfig): string {
  const inputs = {
    format: ROLLUP_FORMAT, catalogue: catalogue.data, timeZone: config.timeZone, exactValues: config.exactValues,
    topUpRetryWindowHours: config.topUpRetryWindowHours, cosRescueWindowDays: config.cosRescueWindowDays,
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
}

export function storedSignature(db: Database.Database): string | undefined {
  return db.prepare("SELECT value FROM metric_state WHERE name = 'signature'").pluck().get() as string | undefined;
}

/** Rebuilds when the stored signature differs; returns how many records were replayed (0: none needed). */
export function rebuildIfStale(db: Database.Database, sink: RollupSink, catalogue: Catalogue, signature: string, nowMs: number): number {
  const stored = storedSignature(db);
  if (stored === signature) return 0;
  const hasRecords = db.prepare('SELECT 1 FROM journeys LIMIT 1').get() !== undefined;
  const replayed = stored === undefined && !hasRecords ? 0 : rebuild(db, sink, catalogue, nowMs);
  db.prepare("INSERT INTO metric_state (name, value) VALUES ('signature', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run(signature);
  return replayed;
}

function rebuild(db: Database.Database, sink: RollupSink, catalogue: Catalogue, nowMs: number): number {
  db.transaction(() => {
    for (const table of DERIVED) db.exec(`DELETE FROM ${table}`);
  })();
  sink.reload();
  const page = db.prepare(`SELECT j.id, j.key, j.reason, j.hops, j.amendments, ${CONTEXT_COLUMNS.map(([f, c]) => `c.${c} AS ${f}`).join(', ')}
    FROM journeys j JOIN contexts c ON c.id = j.context_id WHERE j.id > ? ORDER BY j.id LIMIT ${CHUNK}`);
  let lastId = 0;
  let replayed = 0;
  for (;;) {
    const rows = page.all(lastId) as (Record<string, string | null> & { id: number; key: string; reason: string | null; hops: Buffer; amendments: number })[];
    if (rows.length === 0) break;
    const writes: RecordWrite[] = [];
    for (const row of rows) {
      lastId = row.id;
      const joinKey = JoinKey.parse(row.key);
      if (!joinKey) continue;
      const context: Record<string, string> = {};
      for (const [field] of CONTEXT_COLUMNS) if (row[field] != null) context[field] = row[field]!;
      const cause = row.reason === 'no-response' ? 'timeout' : 'final';
      const record = buildRecord({ key: row.key, hops: decodeHops(row.hops), context: context as JourneyContext, cause, amendments: row.amendments }, catalogue);
      writes.push({ record, joinKey });
    }
    db.transaction(() => sink.onRecords(writes, nowMs))();
    replayed += writes.length;
  }
  db.transaction(() => sink.foldNow(nowMs))();
  return replayed;
}
