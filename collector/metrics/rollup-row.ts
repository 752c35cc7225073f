// One rollup row (one part of a period and SRV): the aggregates of its groups.
// Layout: entry count, then per entry its group id, byte length and body, so that a query
// skips the groups it filters out without decoding them.
import { Aggregate, type AggregateParts } from './aggregate.js';
import { ByteReader, ByteWriter } from './byte-codec.js';

// Reused by every encodeRow call (folds run one at a time); bytes() copies the result out.
const w = new ByteWriter();

export function encodeRow(entries: ReadonlyMap<number, Aggregate>): Buffer {
  w.reset();
  const live = [...entries].filter(([, a]) => !a.isEmpty).sort(([a], [b]) => a - b);
  w.uint(live.length);
  for (const [groupId, agg] of live) {
    w.uint(groupId);
    const body = w.beginSection();
    agg.encode(w);
    w.endSection(body);
  }
  return w.bytes();
}

/** Merges each entry into the aggregate `target` returns for its group (skipped when undefined). */
export function decodeRow(data: Uint8Array, target: (groupId: number) => Aggregate | undefined): void {
  const r = new ByteReader(data);
  const n = r.uint();
  for (let i = 0; i < n; i++) {
    const groupId = r.uint();
    const bytes = r.u32();
    const agg = target(groupId);
    if (agg) agg.merge(r);
    else r.skip(bytes);
  }
}

/** Merges a row into a map of aggregates by group (folding facts into it, or compacting rows). */
export function mergeRow(data: Uint8Array, entries: Map<number, Aggregate>, parts: AggregateParts): void {
  decodeRow(data, (groupId) => {
    let a = entries.get(groupId);
    if (!a) entries.set(groupId, (a = new Aggregate(parts)));
    return a;
  });
}
