// A SQLite file written before records kept their figures (schema version 2) is migrated
// in place; one journey is one row, however often it is written.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../collector/catalogue/catalogue.js';
import { JoinKey } from '../../collector/join/join-key.js';
import { buildRecord, type JourneyHops } from '../../collector/join/journey-record.js';
import { createContextRegistry } from '../../collector/store/context-registry.js';
import { encodeHops } from '../../collector/store/hops-codec.js';
import { MIGRATIONS } from '../../collector/store/migrations.js';
import { keyHashOf } from '../../collector/store/journey-row.js';
import { openSqliteStore } from '../../collector/store/sqlite-store.js';
import type { JourneyContext } from '../../proto/hop-context.js';
import { HopPoint } from '../../proto/hop-point.js';
import { keyText, T0_US } from '../helpers/batches.js';
import { tempDir } from '../helpers/temp-dir.js';

const catalogue = loadCatalogue();
const context: JourneyContext = { srv: '4.1.1', cspRegion: 'NORTH' };

/** A request seen by the gateway and the CSP agent, on the collector's clock (offsets known within 500 µs). */
function hops(withCsp: boolean): JourneyHops {
  const points = [HopPoint.UG_IN, ...(withCsp ? [HopPoint.CSP_OUT, HopPoint.CSP_IN] : []), HopPoint.UG_OUT];
  const agentIds = points.map((p) => (p === HopPoint.CSP_OUT || p === HopPoint.CSP_IN ? 'csp' : 'gw'));
  const times = points.map((_, i) => T0_US + i * 1_000_000);
  const us = times.map((t, i) => t + (agentIds[i] === 'csp' ? -700 : 0));
  return {
    points, agentIds, times, codes: points.map((p) => (p === HopPoint.UG_OUT ? 'I0' : undefined)),
    mapped: { us, uncertaintyUs: points.map(() => 500), rateUncertainty: points.map(() => 1e-6) },
  };
}

describe('journeys table', () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = join(dir.path, 'collector.db');
  });
  afterEach(() => dir.cleanup());

  it('reads records written before figures were stored with the figures their hops give, and keeps one copy of a journey', () => {
    const key = keyText(9000);
    const full = buildRecord({ key, hops: hops(true), context, cause: 'final', amendments: 0 }, catalogue);
    const partial = buildRecord({ key, hops: hops(false), context, cause: 'final', amendments: 0 }, catalogue);
    const old = new Database(file);
    for (const sql of MIGRATIONS.slice(0, 2)) old.exec(sql);
    old.pragma('user_version = 2');
    const contextId = createContextRegistry(old).idOf(context);
    const insert = old.prepare(`INSERT INTO journeys (key, key_hash, kind, started_us, ended_us, written_at_ms, outcome, code, reason, rtt_us, dcc_us, context_id, hops, amendments)
      VALUES (?, ?, ?, ?, ?, 0, ?, ?, NULL, ?, NULL, ?, ?, 0)`);
    for (const r of [partial, full, partial]) {
      insert.run(key, keyHashOf(JoinKey.parse(key)!), r.kind, r.startedUs, r.endedUs, r.outcome, r.code, r.figures.rttUs, contextId, encodeHops(r.hops));
    }
    old.close();

    const store = openSqliteStore({ file, synchronous: 'normal' });
    const [read, ...others] = store.journeysByKey(key);
    store.close();

    expect(others).toEqual([]);
    expect(read).toMatchObject({
      figures: full.figures, figureUncertaintyUs: full.figureUncertaintyUs, crossAgent: full.crossAgent,
      flags: full.flags, segments: full.segments, kind: 'request', outcome: 'success',
    });
    expect(read!.segments.map((s) => [s.from, s.to, s.crossAgent])).toEqual([['UG_IN', 'CSP_OUT', true], ['CSP_OUT', 'CSP_IN', false], ['CSP_IN', 'UG_OUT', true]]);
  });

  it('writes a journey written again over its one row', () => {
    const key = keyText(9001);
    const record = buildRecord({ key, hops: hops(true), context, cause: 'final', amendments: 0 }, catalogue);
    const store = openSqliteStore({ file, synchronous: 'normal' });
    const write = { records: [{ record, joinKey: JoinKey.parse(key)! }], closedOpenKeys: [] };
    store.writeTick(write, 1);
    store.writeTick(write, 2);
    const rows = store.journeysByKey(key);
    store.close();

    expect(rows.map((r) => [r.writtenAtMs, r.figures.rttUs])).toEqual([[2, record.figures.rttUs]]);
  });
});
