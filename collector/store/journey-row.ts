// A journey record as both backends keep it: one row per journey (key and start), its hops and
// figures as blobs, its context as an id in the contexts table. The row's values for a write
// and the record read back from a row are the same on SQLite and PostgreSQL.
import type { JoinKey } from '../join/join-key.js';
import type { JourneyKind, JourneyRecord, Outcome } from '../join/journey-record.js';
import type { ContextRegistry } from './context-registry.js';
import { decodeFigures, encodeFigures } from './figures-codec.js';
import { decodeHops, encodeHops } from './hops-codec.js';
import type { StoredRecordRef } from '../join/joiner.js';
import type { StoredJourney } from './ports/journey-records.js';

export interface JourneyRow {
  id: number; key: string; kind: string; started_us: number; ended_us: number; written_at_ms: number;
  outcome: string; code: string | null; reason: string | null; context_id: number; hops: Uint8Array; amendments: number; figures: Uint8Array;
}

/** A 53-bit number from the key's two 32-bit hashes: the index by key. */
export function keyHashOf(key: JoinKey): number {
  return (key.hash >>> 0) * 2 ** 21 + ((key.hash2 >>> 0) >>> 11);
}

/** A blob as read back (a Buffer from SQLite, a Uint8Array from PostgreSQL) as the codecs take it. */
export const asBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

/** kind, started_us, ended_us, written_at_ms, outcome, code, reason, rtt_us, dcc_us, context_id, hops, amendments, figures. */
export function journeyRowValues(r: JourneyRecord, nowMs: number, contexts: ContextRegistry): unknown[] {
  return [
    r.kind, r.startedUs, r.endedUs, nowMs, r.outcome, r.code ?? null, r.reason ?? null,
    r.figures.rttUs ?? null, r.figures.dccUs ?? null, contexts.idOf(r.context), encodeHops(r.hops), r.amendments, encodeFigures(r),
  ];
}

export function storedJourneyOf(row: JourneyRow, contexts: ContextRegistry): StoredJourney {
  const context = contexts.contextOf(row.context_id);
  return {
    id: row.id,
    writtenAtMs: row.written_at_ms,
    key: row.key,
    kind: row.kind as JourneyKind,
    ...(context.srv !== undefined ? { srv: context.srv } : {}),
    startedUs: row.started_us,
    endedUs: row.ended_us,
    outcome: row.outcome as Outcome,
    ...(row.code !== null ? { code: row.code } : {}),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...decodeFigures(asBuffer(row.figures)),
    hops: decodeHops(asBuffer(row.hops)),
    context,
    amendments: row.amendments,
  };
}

/** Rows of several keys (oldest first) as the joiner reads them: each key's records, for keys that have any. */
export function recordRefsByKey(rows: readonly JourneyRow[], contexts: ContextRegistry): Map<string, StoredRecordRef[]> {
  const byKey = new Map<string, StoredRecordRef[]>();
  for (const row of rows) {
    const ref: StoredRecordRef = {
      id: row.id, key: row.key, startedUs: row.started_us, hops: decodeHops(asBuffer(row.hops)), context: contexts.contextOf(row.context_id),
      amendments: row.amendments, timedOut: row.reason === 'no-response',
    };
    const refs = byKey.get(row.key);
    if (refs === undefined) byKey.set(row.key, [ref]);
    else refs.push(ref);
  }
  return byKey;
}
