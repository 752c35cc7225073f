// Migration 3 gave journeys a figures column (figures-codec.ts). Rows written before it are
// measured once, here, from their stored hops with the joiner's own measure, in the
// migration's transaction; from then on the store only reads what the joiner computed.
import type Database from 'better-sqlite3';
import { measure } from '../join/journey-record.js';
import { encodeFigures } from './figures-codec.js';
import { decodeHops } from './hops-codec.js';

/** The schema version whose migration this backfill completes. */
export const FIGURES_VERSION = 5;

/** Pages of rows, so a large table is never all in memory (a statement cannot write while another iterates). */
const PAGE = 10_000;

export function backfillFigures(db: Database.Database): number {
  const page = db.prepare('SELECT id, hops FROM journeys WHERE id > ? AND figures IS NULL ORDER BY id LIMIT ?');
  const update = db.prepare('UPDATE journeys SET figures = ? WHERE id = ?');
  let filled = 0;
  for (let after = 0; ;) {
    const rows = page.all(after, PAGE) as { id: number; hops: Buffer }[];
    if (rows.length === 0) return filled;
    for (const row of rows) update.run(encodeFigures(measure(decodeHops(row.hops))), row.id);
    filled += rows.length;
    after = rows.at(-1)!.id;
  }
}
