// Compares what a scenario's rig sent (journeys 0 … sent-1, see ground-truth.ts) with the
// journey records in the collector's SQLite file. Lost: a sent journey with no record.
// Doubled: a journey with more than one record, or a record holding more hops than were stamped.
import Database from 'better-sqlite3';
import { decodeHops } from '../../collector/store/hops-codec.js';
import { HOPS_PER_JOURNEY, createSoakJourneys } from './ground-truth.js';

export interface Tally {
  readonly sent: number;
  readonly stored: number;
  readonly lost: number;
  readonly doubled: number;
  /** Records of journeys the rig never had answered 200 (committed by an agent killed before it answered). */
  readonly unconfirmed: number;
}

export function tallyJourneys(dbFile: string, scenarioIndex: number, sent: number): Tally {
  const prefix = createSoakJourneys(scenarioIndex).key(0).slice(0, -1);
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT key, hops FROM journeys WHERE key >= ? AND key < ?').iterate(prefix, `${prefix}~`) as Iterable<{ key: string; hops: Buffer }>;
    const seen = new Map<number, number>();
    let doubled = 0;
    let unconfirmed = 0;
    for (const row of rows) {
      const n = Number(row.key.slice(prefix.length));
      if (!(n < sent)) {
        unconfirmed++;
        continue;
      }
      const copies = (seen.get(n) ?? 0) + 1;
      seen.set(n, copies);
      if (copies > 1 || decodeHops(row.hops).points.length > HOPS_PER_JOURNEY) doubled++;
    }
    return { sent, stored: seen.size, lost: sent - seen.size, doubled, unconfirmed };
  } finally {
    db.close();
  }
}

/** Tallies until every sent journey has a record, or until `quietMs` pass with no new record. */
export async function settledTally(dbFile: string, scenarioIndex: number, sent: number, quietMs: number): Promise<Tally> {
  let last = tallyJourneys(dbFile, scenarioIndex, sent);
  let changedAt = Date.now();
  while (last.stored < sent && Date.now() - changedAt < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = tallyJourneys(dbFile, scenarioIndex, sent);
    if (now.stored !== last.stored) changedAt = Date.now();
    last = now;
  }
  return last;
}
