// SQLite implementation of Store (better-sqlite3, WAL). Statements are prepared once.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CheckpointWrites, StoredRecordRef, TickWrites } from '../join/joiner.js';
import type { FigureName, JourneyRecord } from '../join/journey-record.js';
import { FIGURE_NAMES, segmentsOf } from '../join/journey-record.js';
import type { OpenJourneyState } from '../join/open-journey-state.js';
import { decodeHops, encodeHops } from './hops-codec.js';
import { MIGRATIONS } from './migrations.js';
import type { AgentStatusRow, FigureRow, JourneyFilter, LoggedBatch, Store, StoredJourney } from './store.js';

export interface SqliteStoreOptions {
  /** Database file, or ':memory:'. */
  readonly file: string;
  /** 'full': every commit reaches the disk before the ack (power-cut safe); 'normal': survives a process crash. */
  readonly synchronous: 'full' | 'normal';
}

type FigureColumns = Record<'rtt_us' | 'dcc_us' | 'han_us' | 'ack_us' | 'csp_round_trip_us' | 'ch_residence_us' | 'alert_delivery_us', number | null>;

interface JourneyRow extends FigureColumns {
  id: number; key: string; gen: number; kind: string; srv: string | null; started_us: number; ended_us: number;
  written_at_ms: number; outcome: string; code: string | null; reason: string | null;
  cross_agent: number; csp_region: string | null; smets_generation: string | null; device_type: string | null;
  device_model: string | null; firmware_version: string | null; ch_firmware_version: string | null; user_role: string | null;
  hops: Buffer; amendments: number;
}

const CONTEXT_COLUMNS = [
  ['cspRegion', 'csp_region'], ['smetsGeneration', 'smets_generation'], ['deviceType', 'device_type'],
  ['deviceModel', 'device_model'], ['firmwareVersion', 'firmware_version'], ['chFirmwareVersion', 'ch_firmware_version'],
  ['userRole', 'user_role'],
] as const;

const FIGURE_COLUMNS: Record<FigureName, keyof FigureColumns> = {
  rttUs: 'rtt_us', dccUs: 'dcc_us', hanUs: 'han_us', ackUs: 'ack_us', cspRoundTripUs: 'csp_round_trip_us',
  chResidenceUs: 'ch_residence_us', alertDeliveryUs: 'alert_delivery_us',
};

export function openSqliteStore(options: SqliteStoreOptions): Store {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  migrate(db);

  const recordColumns = [
    'key', 'gen', 'kind', 'srv', 'started_us', 'ended_us', 'written_at_ms', 'outcome', 'code', 'reason',
    ...FIGURE_NAMES.map((f) => FIGURE_COLUMNS[f]), 'cross_agent', ...CONTEXT_COLUMNS.map(([, c]) => c), 'hops', 'amendments',
  ];
  const recordValues = (r: JourneyRecord, gen: number, nowMs: number): unknown[] => [
    r.key, gen, r.kind, r.srv ?? null, r.startedUs, r.endedUs, nowMs, r.outcome, r.code ?? null, r.reason ?? null,
    ...FIGURE_NAMES.map((f) => r.figures[f] ?? null),
    r.crossAgent.reduce((mask, f) => mask | (1 << FIGURE_NAMES.indexOf(f)), 0),
    ...CONTEXT_COLUMNS.map(([field]) => r.context[field] ?? null),
    encodeHops(r.hops), r.amendments,
  ];
  const s = {
    insertBatch: db.prepare('INSERT INTO batches (agent_id, stream_id, seq, received_at_ms, hops, payload) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    recentKeys: db.prepare('SELECT key FROM journeys WHERE started_us >= ?').pluck(),
    insertRecord: db.prepare(`INSERT INTO journeys (${recordColumns.join(', ')}) VALUES (${recordColumns.map(() => '?').join(', ')}) ON CONFLICT (key, gen) DO NOTHING`),
    updateRecord: db.prepare(`UPDATE journeys SET ${recordColumns.filter((c) => c !== 'key' && c !== 'gen').map((c) => `${c} = ?`).join(', ')} WHERE id = ?`),
    maxGen: db.prepare('SELECT max(gen) FROM journeys WHERE key = ?').pluck(),
    recordsByKey: db.prepare('SELECT * FROM journeys WHERE key = ? ORDER BY gen'),
    upsertOpen: db.prepare('INSERT INTO open_journeys (key, deadline_ms, state) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET deadline_ms = excluded.deadline_ms, state = excluded.state'),
    deleteOpen: db.prepare('DELETE FROM open_journeys WHERE key = ?'),
    openByKey: db.prepare('SELECT state FROM open_journeys WHERE key = ?').pluck(),
    allOpen: db.prepare('SELECT state FROM open_journeys').pluck(),
    setMeta: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
    getMeta: db.prepare('SELECT value FROM meta WHERE name = ?').pluck(),
    batchesFrom: db.prepare('SELECT id, agent_id AS agentId, received_at_ms AS receivedAtMs, payload FROM batches WHERE id >= ? AND payload IS NOT NULL ORDER BY id'),
    dropPayloads: db.prepare('UPDATE batches SET payload = NULL WHERE id >= ? AND id < ?'),
    dropOldBatches: db.prepare('DELETE FROM batches WHERE received_at_ms < ?'),
    upsertAgent: db.prepare('INSERT INTO agents (agent_id, status, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT (agent_id) DO UPDATE SET status = excluded.status, updated_at_ms = excluded.updated_at_ms'),
    agents: db.prepare('SELECT agent_id AS agentId, status, updated_at_ms AS updatedAtMs FROM agents ORDER BY agent_id'),
  };
  let prunedBelow = Number(s.getMeta.get('pruned_below') ?? 1);

  const toStored = (row: JourneyRow): StoredJourney => {
    const hops = decodeHops(row.hops);
    const context: Record<string, string> = {};
    if (row.srv !== null) context.srv = row.srv;
    for (const [field, column] of CONTEXT_COLUMNS) {
      const v = row[column];
      if (v !== null) context[field] = v;
    }
    const figures: Record<string, number> = {};
    for (const f of FIGURE_NAMES) {
      const v = row[FIGURE_COLUMNS[f] as keyof FigureColumns];
      if (v !== null) figures[f] = v;
    }
    return {
      id: row.id,
      gen: row.gen,
      writtenAtMs: row.written_at_ms,
      key: row.key,
      kind: row.kind as StoredJourney['kind'],
      ...(row.srv !== null ? { srv: row.srv } : {}),
      startedUs: row.started_us,
      endedUs: row.ended_us,
      outcome: row.outcome as StoredJourney['outcome'],
      ...(row.code !== null ? { code: row.code } : {}),
      ...(row.reason !== null ? { reason: row.reason } : {}),
      figures,
      crossAgent: FIGURE_NAMES.filter((_, i) => (row.cross_agent & (1 << i)) !== 0),
      segments: segmentsOf(hops),
      hops,
      context,
      amendments: row.amendments,
    };
  };

  const where = (f: Omit<JourneyFilter, 'limit'>): { sql: string; params: unknown[] } => {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (f.srv !== undefined) { clauses.push('srv = ?'); params.push(f.srv); }
    if (f.fromUs !== undefined) { clauses.push('started_us >= ?'); params.push(f.fromUs); }
    if (f.toUs !== undefined) { clauses.push('started_us < ?'); params.push(f.toUs); }
    if (f.outcome !== undefined) { clauses.push('outcome = ?'); params.push(f.outcome); }
    if (f.cspRegion !== undefined) { clauses.push('csp_region = ?'); params.push(f.cspRegion); }
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  };

  return {
    transaction: (fn) => db.transaction(fn)(),

    insertBatch(b) {
      const info = s.insertBatch.run(b.agentId, b.streamId, b.seq, b.receivedAtMs, b.hops, b.payload);
      return info.changes === 0 ? undefined : Number(info.lastInsertRowid);
    },

    writeTick(writes: TickWrites, nowMs) {
      for (const key of writes.closedOpenKeys) s.deleteOpen.run(key);
      for (const w of writes.records) {
        if (w.amends) {
          s.updateRecord.run(...recordValues(w.record, 0, nowMs).slice(2), w.amends.id);
          continue;
        }
        // Generation 0 is the common case; a conflict means the key was used before, longer
        // ago than the joiner remembers (join.lateHopWindowSeconds): a counter used again.
        if (s.insertRecord.run(...recordValues(w.record, 0, nowMs)).changes > 0) continue;
        const gen = Number(s.maxGen.get(w.record.key)) + 1;
        s.insertRecord.run(...recordValues(w.record, gen, nowMs));
      }
    },

    writeCheckpoint(cp: CheckpointWrites) {
      for (const st of cp.upserts) s.upsertOpen.run(st.key, st.deadlineMs, JSON.stringify(st));
      s.setMeta.run('replay_from', String(cp.replayFromBatchId));
    },

    replayFromBatchId: () => Number(s.getMeta.get('replay_from') ?? 1),
    *openJourneys() {
      for (const state of s.allOpen.iterate()) yield JSON.parse(state as string) as OpenJourneyState;
    },
    *recentKeys(sinceUs) {
      for (const key of s.recentKeys.iterate(sinceUs)) yield key as string;
    },
    *batchesFrom(id) {
      for (const row of s.batchesFrom.iterate(id)) yield row as LoggedBatch;
    },

    prune(nowMs, dedupeRetentionMs) {
      const replayFrom = Number(s.getMeta.get('replay_from') ?? 1);
      if (replayFrom > prunedBelow) {
        s.dropPayloads.run(prunedBelow, replayFrom);
        prunedBelow = replayFrom;
        s.setMeta.run('pruned_below', String(prunedBelow));
      }
      s.dropOldBatches.run(nowMs - dedupeRetentionMs);
    },

    upsertAgentStatus: (agentId, status, nowMs) => void s.upsertAgent.run(agentId, JSON.stringify(status), nowMs),
    agentStatuses: () => (s.agents.all() as { agentId: string; status: string; updatedAtMs: number }[])
      .map((r): AgentStatusRow => ({ agentId: r.agentId, status: JSON.parse(r.status) as Record<string, unknown>, updatedAtMs: r.updatedAtMs })),

    findRecords(key): StoredRecordRef[] {
      return (s.recordsByKey.all(key) as JourneyRow[]).map((row) => {
        const j = toStored(row);
        return { id: j.id, key, startedUs: j.startedUs, hops: j.hops, context: j.context, amendments: j.amendments, timedOut: j.reason === 'no-response' };
      });
    },
    loadOpenJourney(key) {
      const state = s.openByKey.get(key) as string | undefined;
      return state === undefined ? undefined : (JSON.parse(state) as OpenJourneyState);
    },

    listJourneys(filter) {
      const w = where(filter);
      return (db.prepare(`SELECT * FROM journeys ${w.sql} ORDER BY started_us DESC, id DESC LIMIT ?`).all(...w.params, filter.limit) as JourneyRow[]).map(toStored);
    },
    journeysByKey: (key) => (s.recordsByKey.all(key) as JourneyRow[]).map(toStored),
    *scanFigures(filter) {
      const w = where(filter);
      const stmt = db.prepare(`SELECT srv, started_us AS startedUs, outcome, reason, rtt_us AS rttUs, dcc_us AS dccUs FROM journeys ${w.sql}`);
      for (const row of stmt.iterate(...w.params)) yield row as FigureRow;
    },

    close: () => db.close(),
  };
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
