// SQLite implementation of Store (better-sqlite3, WAL). Statements are prepared once.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ClockModelState } from '../clock/clock-model.js';
import { JoinKey } from '../join/join-key.js';
import type { CheckpointWrites, TickWrites } from '../join/joiner.js';
import type { JourneyRecord } from '../join/journey-record.js';
import type { OpenJourneyState } from '../join/open-journey-state.js';
import type { KeyHashes } from '../join/open-journeys.js';
import { createContextRegistry } from './context-registry.js';
import { backfillFigures, FIGURES_VERSION } from './figures-backfill.js';
import { decodeFigures } from './figures-codec.js';
import { journeyRowValues, keyHashOf, recordRefsByKey, storedJourneyOf, type JourneyRow } from './journey-row.js';
import { MIGRATIONS } from './migrations.js';
import { lowestPosition, partitionOfStoredKey, positionsOf, type PositionRow } from './partition-rows.js';
import { createSqliteHopMinutes } from './sqlite/hop-minutes.js';
import type { AgentStatusRow, FigureRow, JourneyFilter, LoggedBatch, Store, StoredJourney } from './store.js';

export interface SqliteStoreOptions {
  /** Database file, or ':memory:'. */
  readonly file: string;
  /** 'full': every commit reaches the disk before the ack (power-cut safe); 'normal': survives a process crash. */
  readonly synchronous: 'full' | 'normal';
}

/** The SQLite store, and its connection for modules that keep tables of their own in the same file. */
export interface SqliteStore extends Store {
  readonly db: Database.Database;
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  // 16 MB of page cache: lookups by key are few; the OS file cache serves the rest.
  db.pragma('cache_size = -16384');
  db.pragma('temp_store = MEMORY');
  migrate(db);
  const contexts = createContextRegistry(db);

  const s = {
    insertBatch: db.prepare('INSERT INTO batches (agent_id, stream_id, seq, received_at_ms, hops, payload, partition) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    // A journey is one row: writing the same journey (key and start) again replaces it.
    insertRecord: db.prepare(`INSERT INTO journeys (key, key_hash, kind, started_us, ended_us, written_at_ms, outcome, code, reason, rtt_us, dcc_us, context_id, hops, amendments, figures)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (key_hash, started_us) DO UPDATE SET kind = excluded.kind, ended_us = excluded.ended_us, written_at_ms = excluded.written_at_ms,
        outcome = excluded.outcome, code = excluded.code, reason = excluded.reason, rtt_us = excluded.rtt_us, dcc_us = excluded.dcc_us,
        context_id = excluded.context_id, hops = excluded.hops, amendments = excluded.amendments, figures = excluded.figures
      WHERE journeys.key = excluded.key`),
    updateRecord: db.prepare(`UPDATE OR REPLACE journeys SET kind = ?, started_us = ?, ended_us = ?, written_at_ms = ?, outcome = ?, code = ?, reason = ?,
      rtt_us = ?, dcc_us = ?, context_id = ?, hops = ?, amendments = ?, figures = ? WHERE id = ?`),
    recordsByKey: db.prepare('SELECT * FROM journeys WHERE key_hash = ? AND key = ? ORDER BY started_us'),
    upsertOpen: db.prepare(`INSERT INTO open_journeys (key, hash, hash2, deadline_ms, state, partition) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET deadline_ms = excluded.deadline_ms, state = excluded.state, partition = excluded.partition`),
    deleteOpen: db.prepare('DELETE FROM open_journeys WHERE key = ?'),
    openByKey: db.prepare('SELECT state FROM open_journeys WHERE key = ?').pluck(),
    someOpen: db.prepare('SELECT state FROM open_journeys ORDER BY deadline_ms LIMIT ?').pluck(),
    dueOpen: db.prepare('SELECT state FROM open_journeys WHERE deadline_ms <= ? ORDER BY deadline_ms LIMIT ?').pluck(),
    openHashes: db.prepare('SELECT hash, hash2 FROM open_journeys'),
    // A partition list is passed as JSON: one statement for any set of partitions.
    someOpenIn: db.prepare('SELECT state FROM open_journeys WHERE partition IN (SELECT value FROM json_each(?)) ORDER BY deadline_ms LIMIT ?').pluck(),
    dueOpenIn: db.prepare('SELECT state FROM open_journeys WHERE deadline_ms <= ? AND partition IN (SELECT value FROM json_each(?)) ORDER BY deadline_ms LIMIT ?').pluck(),
    openHashesIn: db.prepare('SELECT hash, hash2 FROM open_journeys WHERE partition IN (SELECT value FROM json_each(?))'),
    unpartitionedOpen: db.prepare('SELECT key FROM open_journeys WHERE partition = -1').pluck(),
    setOpenPartition: db.prepare('UPDATE open_journeys SET partition = ? WHERE key = ?'),
    positions: db.prepare('SELECT partition, replay_from AS replayFrom FROM partition_positions'),
    setPosition: db.prepare('INSERT INTO partition_positions (partition, replay_from) VALUES (?, ?) ON CONFLICT (partition) DO UPDATE SET replay_from = excluded.replay_from'),
    setMeta: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
    getMeta: db.prepare('SELECT value FROM meta WHERE name = ?').pluck(),
    claimMeta: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
    recentKeys: db.prepare('SELECT key FROM journeys WHERE started_us >= ?').pluck(),
    batchesFrom: db.prepare('SELECT id, agent_id AS agentId, received_at_ms AS receivedAtMs, payload, partition FROM batches WHERE id >= ? AND payload IS NOT NULL ORDER BY id'),
    batchesFromIn: db.prepare(`SELECT id, agent_id AS agentId, received_at_ms AS receivedAtMs, payload, partition FROM batches
      WHERE id >= ? AND payload IS NOT NULL AND partition IN (SELECT value FROM json_each(?)) ORDER BY id`),
    dropPayloads: db.prepare('UPDATE batches SET payload = NULL WHERE id >= ? AND id < ?'),
    dropOldBatches: db.prepare('DELETE FROM batches WHERE received_at_ms < ?'),
    upsertAgent: db.prepare('INSERT INTO agents (agent_id, status, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT (agent_id) DO UPDATE SET status = excluded.status, updated_at_ms = excluded.updated_at_ms'),
    agents: db.prepare('SELECT agent_id AS agentId, status, updated_at_ms AS updatedAtMs FROM agents ORDER BY agent_id'),
    saveClock: db.prepare('INSERT INTO agent_clocks (agent_id, model, updated_at_ms) VALUES (?, ?, ?) ON CONFLICT (agent_id) DO UPDATE SET model = excluded.model, updated_at_ms = excluded.updated_at_ms'),
    clocks: db.prepare('SELECT agent_id AS agentId, model FROM agent_clocks'),
  };
  let prunedBelow = Number(s.getMeta.get('pruned_below') ?? 1);
  const positionRows = () => s.positions.all() as PositionRow[];
  /** The one replay position a store kept before partitions: where a partition no checkpoint wrote replays from. */
  const legacyReplayFrom = () => Number(s.getMeta.get('replay_from') ?? 1);
  const partitionCount = () => {
    const value = s.getMeta.get('partition_count') as string | undefined;
    return value === undefined ? undefined : Number(value);
  };

  const rowValues = (r: JourneyRecord, nowMs: number) => journeyRowValues(r, nowMs, contexts);
  const toStored = (row: JourneyRow): StoredJourney => storedJourneyOf(row, contexts);

  const byKey = (text: string): JourneyRow[] => {
    const key = JoinKey.parse(text);
    return key ? (s.recordsByKey.all(keyHashOf(key), key.toString()) as JourneyRow[]) : [];
  };

  const where = (f: Omit<JourneyFilter, 'limit'>): { sql: string; params: unknown[] } => {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (f.srv !== undefined) { clauses.push('c.srv = ?'); params.push(f.srv); }
    if (f.fromUs !== undefined) { clauses.push('j.started_us >= ?'); params.push(f.fromUs); }
    if (f.toUs !== undefined) { clauses.push('j.started_us < ?'); params.push(f.toUs); }
    if (f.outcome !== undefined) { clauses.push('j.outcome = ?'); params.push(f.outcome); }
    if (f.cspRegion !== undefined) { clauses.push('c.csp_region = ?'); params.push(f.cspRegion); }
    if (f.deviceModel !== undefined) { clauses.push('c.device_model = ?'); params.push(f.deviceModel); }
    if (f.firmwareVersion !== undefined) { clauses.push('c.firmware_version = ?'); params.push(f.firmwareVersion); }
    if (f.chFirmwareVersion !== undefined) { clauses.push('c.ch_firmware_version = ?'); params.push(f.chFirmwareVersion); }
    if (f.party !== undefined) { clauses.push("(CASE j.kind WHEN 'alert' THEN substr(j.key, 25, 23) ELSE substr(j.key, 1, 23) END) = ?"); params.push(f.party); }
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  };

  return {
    db,
    ...createSqliteHopMinutes(db),
    transaction(fn) {
      try {
        return db.transaction(fn)();
      } catch (err) {
        contexts.reload();
        throw err;
      }
    },

    insertBatch(b) {
      const info = s.insertBatch.run(b.agentId, b.streamId, b.seq, b.receivedAtMs, b.hops, b.payload, b.partition);
      return info.changes === 0 ? undefined : Number(info.lastInsertRowid);
    },

    writeTick(writes: TickWrites, nowMs) {
      for (const key of writes.closedOpenKeys) s.deleteOpen.run(key);
      for (const w of writes.records) {
        if (w.amends) s.updateRecord.run(...rowValues(w.record, nowMs), w.amends.id);
        else s.insertRecord.run(w.record.key, keyHashOf(w.joinKey), ...rowValues(w.record, nowMs));
      }
    },

    writeCheckpoint(cp: CheckpointWrites) {
      for (const st of cp.upserts) s.upsertOpen.run(st.key, st.hash, st.hash2, st.deadlineMs, JSON.stringify(st), st.partition ?? -1);
      for (const [partition, replayFrom] of cp.positions) s.setPosition.run(partition, replayFrom);
    },

    replayFromBatchId: () => lowestPosition(positionRows(), partitionCount(), legacyReplayFrom()),
    replayPositions: (partitions) => positionsOf(positionRows(), partitions, legacyReplayFrom()),
    *openJourneys(limit, partitions) {
      const rows = partitions === undefined ? s.someOpen.iterate(limit) : s.someOpenIn.iterate(JSON.stringify(partitions), limit);
      for (const state of rows) yield JSON.parse(state as string) as OpenJourneyState;
    },
    *recentKeys(sinceUs) {
      for (const key of s.recentKeys.iterate(sinceUs)) yield key as string;
    },
    *batchesFrom(id, partitions) {
      const rows = partitions === undefined ? s.batchesFrom.iterate(id) : s.batchesFromIn.iterate(id, JSON.stringify(partitions));
      for (const row of rows) yield row as LoggedBatch;
    },

    prune(nowMs, dedupeRetentionMs) {
      const replayFrom = lowestPosition(positionRows(), partitionCount(), legacyReplayFrom());
      if (replayFrom > prunedBelow) {
        s.dropPayloads.run(prunedBelow, replayFrom);
        prunedBelow = replayFrom;
        s.setMeta.run('pruned_below', String(prunedBelow));
      }
      s.dropOldBatches.run(nowMs - dedupeRetentionMs);
    },

    partitionCount(proposed) {
      s.claimMeta.run('partition_count', String(proposed));
      const count = partitionCount()!;
      // Open journeys checkpointed before partitions get theirs, once: the count is known now.
      db.transaction(() => {
        for (const key of s.unpartitionedOpen.all() as string[]) s.setOpenPartition.run(partitionOfStoredKey(key, count), key);
      })();
      return count;
    },

    upsertAgentStatus: (agentId, status, nowMs) => void s.upsertAgent.run(agentId, JSON.stringify(status), nowMs),
    agentStatuses: () => (s.agents.all() as { agentId: string; status: string; updatedAtMs: number }[])
      .map((r): AgentStatusRow => ({ agentId: r.agentId, status: JSON.parse(r.status) as Record<string, unknown>, updatedAtMs: r.updatedAtMs })),

    saveClockModel: (agentId, state, nowMs) => void s.saveClock.run(agentId, JSON.stringify(state), nowMs),
    clockModels: () => (s.clocks.all() as { agentId: string; model: string }[]).map((r) => ({ agentId: r.agentId, state: JSON.parse(r.model) as ClockModelState })),

    // One indexed read per key: on SQLite a statement costs microseconds, so no batched query is needed.
    findRecords: (keys) => recordRefsByKey(keys.flatMap(byKey), contexts),
    dueOpenJourneys: (nowMs, limit, partitions) => ((partitions === undefined ? s.dueOpen.all(nowMs, limit) : s.dueOpenIn.all(nowMs, JSON.stringify(partitions), limit)) as string[])
      .map((state) => JSON.parse(state) as OpenJourneyState),
    *openJourneyHashes(partitions) {
      for (const row of partitions === undefined ? s.openHashes.iterate() : s.openHashesIn.iterate(JSON.stringify(partitions))) yield row as KeyHashes;
    },
    // One indexed read per key: on SQLite a statement costs microseconds.
    loadOpenJourneys: (keys) => keys.flatMap((key) => {
      const state = s.openByKey.get(key) as string | undefined;
      return state === undefined ? [] : [JSON.parse(state) as OpenJourneyState];
    }),

    listJourneys(filter) {
      const w = where(filter);
      const rows = db.prepare(`SELECT j.* FROM journeys j JOIN contexts c ON c.id = j.context_id ${w.sql} ORDER BY j.started_us DESC, j.id DESC LIMIT ?`).all(...w.params, filter.limit);
      return (rows as JourneyRow[]).map(toStored);
    },
    journeysByKey: (key) => byKey(key).map(toStored),
    *scanFigures(filter) {
      const w = where(filter);
      const stmt = db.prepare(`SELECT c.srv AS srv, j.started_us AS startedUs, j.outcome, j.reason, j.rtt_us AS rttUs, j.dcc_us AS dccUs,
        j.key, j.context_id AS contextId, j.figures AS blob FROM journeys j JOIN contexts c ON c.id = j.context_id ${w.sql}`);
      for (const row of stmt.iterate(...w.params)) {
        const { contextId, blob, ...rest } = row as Omit<FigureRow, 'context' | 'figures' | 'segments'> & { contextId: number; blob: Buffer };
        const { figures, segments } = decodeFigures(blob);
        yield { ...rest, context: contexts.contextOf(contextId), figures, segments };
      }
    },

    close: () => db.close(),
  };
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      if (v + 1 === FIGURES_VERSION) backfillFigures(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

