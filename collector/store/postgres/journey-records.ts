// Journey records on PostgreSQL (ports/journey-records.ts), with the same semantics as the
// SQLite store: a tick is written as a few multi-row statements (unnest of one array per
// column), never one statement per record.
import type { RecordWrite } from '../../join/joiner.js';
import { JoinKey } from '../../join/join-key.js';
import type { JourneyRecord } from '../../join/journey-record.js';
import type { ContextRegistry } from '../context-registry.js';
import { decodeFigures } from '../figures-codec.js';
import { asBuffer, journeyRowValues, keyHashOf, recordRefsByKey, storedJourneyOf, type JourneyRow } from '../journey-row.js';
import type { FigureRow, JourneyFilter, JourneyRecordStore, StoredJourney } from '../ports/journey-records.js';
import type { JourneyPartitions } from './journey-partitions.js';
import type { SyncPostgres } from './sync-postgres.js';


// The columns a write sets besides the identity (key, key_hash), with their array types.
const VALUE_COLUMNS = [
  ['kind', 'text'], ['started_us', 'float8'], ['ended_us', 'float8'], ['written_at_ms', 'float8'], ['outcome', 'text'], ['code', 'text'],
  ['reason', 'text'], ['rtt_us', 'float8'], ['dcc_us', 'float8'], ['context_id', 'bigint'], ['hops', 'bytea'], ['amendments', 'integer'], ['figures', 'bytea'],
] as const;

const unnestOf = (columns: readonly (readonly [string, string])[]) =>
  `unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS u(${columns.map(([name]) => name).join(', ')})`;

const INSERT_COLUMNS = [['key', 'text'], ['key_hash', 'bigint'], ...VALUE_COLUMNS] as const;
// A journey is one row: writing the same journey (key and start) again replaces it.
const INSERT = `INSERT INTO journeys (${INSERT_COLUMNS.map(([c]) => c).join(', ')})
  SELECT * FROM ${unnestOf(INSERT_COLUMNS)}
  ON CONFLICT (key_hash, started_us) DO UPDATE SET ${VALUE_COLUMNS.filter(([c]) => c !== 'started_us').map(([c]) => `${c} = excluded.${c}`).join(', ')}
  WHERE journeys.key = excluded.key`;

const UPDATE_COLUMNS = [['id', 'bigint'], ['key_hash', 'bigint'], ...VALUE_COLUMNS] as const;
// An amendment may move a record's start, even to another day (PostgreSQL moves the row to
// that partition, keeping its id); a row already holding the new identity gives way, as
// SQLite's UPDATE OR REPLACE does.
const DELETE_DISPLACED = `DELETE FROM journeys j USING unnest($1::bigint[], $2::bigint[], $3::float8[]) AS u(id, key_hash, started_us)
  WHERE j.key_hash = u.key_hash AND j.started_us = u.started_us AND j.id <> u.id`;
const UPDATE = `UPDATE journeys j SET ${VALUE_COLUMNS.map(([c]) => `${c} = u.${c}`).join(', ')} FROM ${unnestOf(UPDATE_COLUMNS)} WHERE j.id = u.id`;

/** One array per column, from one row per write. */
function columnsOf(rows: readonly unknown[][], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let i = 0; i < width; i++) columns[i]!.push(row[i]);
  return columns;
}

/**
 * The writes one statement can carry, with SQLite's outcome of running them in order: the last
 * write of an identity (key hash and start) or of an amended id wins, and a second key with
 * the same identity does not replace the first.
 */
function lastWrites(records: readonly RecordWrite[]): { inserts: RecordWrite[]; updates: RecordWrite[] } {
  const inserts = new Map<string, RecordWrite>();
  const updates = new Map<number, RecordWrite>();
  for (const w of records) {
    if (w.amends) {
      updates.set(w.amends.id, w);
      continue;
    }
    const identity = `${keyHashOf(w.joinKey)}/${w.record.startedUs}`;
    const first = inserts.get(identity);
    if (first === undefined || first.record.key === w.record.key) inserts.set(identity, w);
  }
  return { inserts: [...inserts.values()], updates: [...updates.values()] };
}

export function createPostgresJourneyRecords(db: SyncPostgres, contexts: ContextRegistry, partitions: JourneyPartitions): JourneyRecordStore {
  const values = (r: JourneyRecord, nowMs: number): unknown[] => journeyRowValues(r, nowMs, contexts);
  const toStored = (row: JourneyRow): StoredJourney => storedJourneyOf(row, contexts);

  const byKey = (text: string): JourneyRow[] => {
    const key = JoinKey.parse(text);
    return key ? db.query<JourneyRow>('SELECT * FROM journeys WHERE key_hash = $1 AND key = $2 ORDER BY started_us', [keyHashOf(key), key.toString()]) : [];
  };

  const where = (f: Omit<JourneyFilter, 'limit'>): { sql: string; params: unknown[] } => {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      clauses.push(clause.replace('?', `$${params.length}`));
    };
    if (f.srv !== undefined) add('c.srv = ?', f.srv);
    if (f.fromUs !== undefined) add('j.started_us >= ?', f.fromUs);
    if (f.toUs !== undefined) add('j.started_us < ?', f.toUs);
    if (f.outcome !== undefined) add('j.outcome = ?', f.outcome);
    if (f.cspRegion !== undefined) add('c.csp_region = ?', f.cspRegion);
    if (f.deviceModel !== undefined) add('c.device_model = ?', f.deviceModel);
    if (f.firmwareVersion !== undefined) add('c.firmware_version = ?', f.firmwareVersion);
    if (f.chFirmwareVersion !== undefined) add('c.ch_firmware_version = ?', f.chFirmwareVersion);
    if (f.party !== undefined) add("(CASE j.kind WHEN 'alert' THEN substr(j.key, 25, 23) ELSE substr(j.key, 1, 23) END) = ?", f.party);
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  };

  return {
    writeTick(writes, nowMs) {
      if (writes.closedOpenKeys.length > 0) db.query('DELETE FROM open_journeys WHERE key = ANY($1::text[])', [writes.closedOpenKeys]);
      const { inserts, updates } = lastWrites(writes.records);
      partitions.ensure([...inserts, ...updates].map((w) => w.record.startedUs));
      if (updates.length > 0) {
        const rows = updates.map((w) => [w.amends!.id, keyHashOf(w.joinKey), ...values(w.record, nowMs)]);
        db.query(DELETE_DISPLACED, columnsOf(rows, 2).concat([rows.map((r) => r[3])]));
        db.query(UPDATE, columnsOf(rows, UPDATE_COLUMNS.length));
      }
      if (inserts.length > 0) {
        const rows = inserts.map((w) => [w.record.key, keyHashOf(w.joinKey), ...values(w.record, nowMs)]);
        db.query(INSERT, columnsOf(rows, INSERT_COLUMNS.length));
      }
    },

    // One statement for all the keys: a round trip costs about a millisecond, and a replayed batch has a thousand keys.
    findRecords(texts) {
      const keys = texts.map((text) => JoinKey.parse(text)).filter((key) => key !== undefined);
      if (keys.length === 0) return new Map();
      const rows = db.query<JourneyRow>('SELECT * FROM journeys WHERE key_hash = ANY($1::bigint[]) AND key = ANY($2::text[]) ORDER BY started_us',
        [keys.map(keyHashOf), keys.map((key) => key.toString())]);
      return recordRefsByKey(rows, contexts);
    },
    listJourneys(filter) {
      const w = where(filter);
      return db.query<JourneyRow>(`SELECT j.* FROM journeys j JOIN contexts c ON c.id = j.context_id ${w.sql} ORDER BY j.started_us DESC, j.id DESC LIMIT $${w.params.length + 1}`, [...w.params, filter.limit])
        .map(toStored);
    },
    journeysByKey: (key) => byKey(key).map(toStored),
    scanFigures(filter): FigureRow[] {
      const w = where(filter);
      type Row = Omit<FigureRow, 'context' | 'figures' | 'segments'> & { contextId: number; blob: Uint8Array };
      return db.query<Row>(`SELECT c.srv AS srv, j.started_us AS "startedUs", j.outcome, j.reason, j.rtt_us AS "rttUs", j.dcc_us AS "dccUs",
        j.key, j.context_id AS "contextId", j.figures AS blob FROM journeys j JOIN contexts c ON c.id = j.context_id ${w.sql}`, w.params)
        .map(({ contextId, blob, ...rest }) => {
          const { figures, segments } = decodeFigures(asBuffer(blob));
          return { ...rest, context: contexts.contextOf(contextId), figures, segments };
        });
    },
    recentKeys: (sinceUs) => db.query<{ key: string }>('SELECT key FROM journeys WHERE started_us >= $1', [sinceUs]).map((r) => r.key),
  };
}
