// RSVP per SRV and day (MP122): Volume, Payload (successes, failures by reason) and Speed
// (HAN-inclusive RTT and HAN-exclusive DCC time), with the share of DCC times within the
// TRT in force on the request's date (SEC Appendix E, as amended by SECMP0053).
import type { Store } from '../store/store.js';
import type { Catalogue } from './catalogue.js';
import { summarise, type Summary } from './stats.js';

export interface RsvpRow {
  readonly srv: string | null;
  readonly day: string;
  readonly volume: number;
  readonly successes: number;
  readonly failures: number;
  readonly failuresByReason: Readonly<Record<string, number>>;
  readonly rttUs: Summary;
  readonly dccUs: Summary;
  /** TRT in force that day, seconds; null for an SRV the catalogue does not know. */
  readonly trtSeconds: number | null;
  /** % of HAN-exclusive DCC times within the TRT; null when none was measured. */
  readonly withinTrtPct: number | null;
}

export interface RsvpQuery {
  readonly fromUs: number;
  readonly toUs: number;
  readonly srv?: string;
  readonly cspRegion?: string;
}

interface Group {
  srv: string | null;
  day: string;
  volume: number;
  successes: number;
  failuresByReason: Record<string, number>;
  rtt: number[];
  dcc: number[];
}

export function rsvpByDay(store: Store, catalogue: Catalogue, q: RsvpQuery): RsvpRow[] {
  const groups = new Map<string, Group>();
  for (const row of store.scanFigures(q)) {
    const day = new Date(row.startedUs / 1000).toISOString().slice(0, 10);
    const id = `${row.srv ?? ''}|${day}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { srv: row.srv, day, volume: 0, successes: 0, failuresByReason: {}, rtt: [], dcc: [] }));
    g.volume++;
    if (row.outcome === 'success') g.successes++;
    else {
      const reason = row.reason ?? 'failure';
      g.failuresByReason[reason] = (g.failuresByReason[reason] ?? 0) + 1;
    }
    if (row.rttUs !== null) g.rtt.push(row.rttUs);
    if (row.dccUs !== null) g.dcc.push(row.dccUs);
  }
  return [...groups.values()]
    .sort((a, b) => a.day.localeCompare(b.day) || (a.srv ?? '').localeCompare(b.srv ?? '', undefined, { numeric: true }))
    .map((g) => {
      const trt = g.srv === null ? undefined : catalogue.trt(g.srv, Date.parse(`${g.day}T00:00:00Z`));
      const within = trt ? g.dcc.filter((us) => us <= trt.seconds * 1e6).length : 0;
      return {
        srv: g.srv,
        day: g.day,
        volume: g.volume,
        successes: g.successes,
        failures: g.volume - g.successes,
        failuresByReason: g.failuresByReason,
        rttUs: summarise(g.rtt),
        dccUs: summarise(g.dcc),
        trtSeconds: trt?.seconds ?? null,
        withinTrtPct: trt && g.dcc.length > 0 ? (100 * within) / g.dcc.length : null,
      };
    });
}
