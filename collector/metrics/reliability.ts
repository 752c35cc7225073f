// Reliability beside availability (MP122 Requirement 3, "Measuring Service reliability";
// Requirement 5), per month from the incidents recorded through the API:
//   incidents per category 1-5, opened and resolved in the month;
//   MTTR = total repair time / number of repairs (incidents resolved in the month);
//   MTBF = operating time (hours) / number of failures, where operating time is the month's
//          hours less the time incidents were open in it, and failures are incidents opened in it.
import type { Incident, OperationsLog } from '../store/ports/operations-log.js';

export interface CategoryFigures {
  readonly category: number;
  readonly opened: number;
  readonly resolved: number;
  readonly mttrHours: number | null;
}

export interface Reliability {
  readonly from: string;
  readonly to: string;
  readonly region: string | null;
  readonly opened: number;
  readonly resolved: number;
  readonly categories: readonly CategoryFigures[];
  readonly mttrHours: number | null;
  readonly operatingHours: number;
  readonly mtbfHours: number | null;
}

const HOUR_MS = 3_600_000;
const round = (v: number) => Math.round(v * 100) / 100;

function mttr(repaired: readonly Incident[]): number | null {
  if (repaired.length === 0) return null;
  return round(repaired.reduce((sum, i) => sum + (i.resolvedMs! - i.startedMs), 0) / repaired.length / HOUR_MS);
}

export function reliability(log: OperationsLog, q: { fromMs: number; toMs: number; region?: string }): Reliability {
  const inScope = log.incidents(q.fromMs, q.toMs).filter((i) => q.region === undefined || i.region === null || i.region === q.region);
  const opened = inScope.filter((i) => i.startedMs >= q.fromMs);
  const resolved = inScope.filter((i) => i.resolvedMs !== null && i.resolvedMs < q.toMs);
  // Time under any open incident, overlaps counted once.
  const spans = inScope.map((i) => [Math.max(i.startedMs, q.fromMs), Math.min(i.resolvedMs ?? q.toMs, q.toMs)] as const).sort((a, b) => a[0] - b[0]);
  let downMs = 0;
  let reach = q.fromMs;
  for (const [from, to] of spans) {
    if (to > reach) downMs += to - Math.max(from, reach);
    reach = Math.max(reach, to);
  }
  const operatingHours = round((q.toMs - q.fromMs - downMs) / HOUR_MS);
  return {
    from: new Date(q.fromMs).toISOString(),
    to: new Date(q.toMs).toISOString(),
    region: q.region ?? null,
    opened: opened.length,
    resolved: resolved.length,
    categories: [1, 2, 3, 4, 5].map((category) => {
      const r = resolved.filter((i) => i.category === category);
      return { category, opened: opened.filter((i) => i.category === category).length, resolved: r.length, mttrHours: mttr(r) };
    }),
    mttrHours: mttr(resolved),
    operatingHours,
    mtbfHours: opened.length > 0 ? round(operatingHours / opened.length) : null,
  };
}
