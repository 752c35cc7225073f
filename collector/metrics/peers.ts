// A party's figures beside its anonymised peers and the industry (MP176 "Business process
// reporting"): for each SRV or business process, the party ("You"), every other party in the
// same User Role labelled only "Peer 1..n", and the industry (all parties of the role). A party
// never learns another's identity: peers are numbered by their success rate then median RTT
// over the whole report (labels stay put from row to row) and peers' volumes are not shown.
// Withholding is decided row by row: a row where fewer than `minPeers` other parties have data
// shows "You" alone, since with one or two peers in the row the industry figure less your own
// would give them away, however many peers the role has over the whole report.
import { HopwatchError } from '../../common/error-codes.js';
import type { Aggregate } from './aggregate.js';
import { queryRollups, type Filters, type Period, type RollupSource } from './rollup-query.js';
import { pct } from './rsvp.js';

export interface PeerFigures {
  readonly series: string;
  /** Only for "You" and "Industry". */
  readonly volume: number | null;
  readonly successRatePct: number | null;
  readonly failureRatePct: number | null;
  readonly rttBestUs: number | null;
  readonly rttWorstUs: number | null;
  readonly rttMeanUs: number | null;
  readonly rttMedianUs: number | null;
}

export interface PeerRow {
  readonly period: string;
  readonly scope: string | null;
  /** Fewer than minPeers other parties have data in this row: its peers and industry figure are left out. */
  readonly withheld: boolean;
  readonly series: readonly PeerFigures[];
}

export interface PeerReport {
  readonly party: string;
  readonly userRole: string;
  /** Other parties in the User Role with data anywhere in the report. */
  readonly peers: number;
  /** Fewer than minPeers of them over the whole report, so every row is withheld; rows carry their own flag. */
  readonly withheld: boolean;
  readonly rows: readonly PeerRow[];
}

export interface PeerQuery {
  readonly party: string;
  readonly userRole?: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly period: Period;
  readonly by: 'srv' | 'process';
  readonly filters: Filters;
}

/** Anonymised labels of other parties, best first: "Peer 1..n" in the order given, never their names. */
export function peerLabels(rankedParties: readonly string[]): Map<string, string> {
  return new Map(rankedParties.map((party, i) => [party, `Peer ${i + 1}`]));
}

function figures(series: string, a: Aggregate, showVolume: boolean): PeerFigures {
  const rtt = a.primary.summary();
  return {
    series, volume: showVolume ? a.volume : null,
    successRatePct: pct(a.successes, a.volume), failureRatePct: pct(a.volume - a.successes, a.volume),
    rttBestUs: rtt.min, rttWorstUs: rtt.max, rttMeanUs: rtt.mean, rttMedianUs: rtt.median,
  };
}

export function peerReport(source: RollupSource, q: PeerQuery, minPeers: number): PeerReport {
  const roles = new Set([...source.groups.all().values()].filter((g) => g.party === q.party && g.kind === 'request').map((g) => g.userRole));
  if (roles.size === 0) throw new HopwatchError('HW_COLLECTOR_BAD_QUERY', `party ${q.party} has no requests on record`);
  const userRole = q.userRole ?? (roles.size === 1 ? [...roles][0]! : undefined);
  if (userRole === undefined) throw new HopwatchError('HW_COLLECTOR_BAD_QUERY', `party ${q.party} acts in several User Roles (${[...roles].sort().join(', ')}): give userRole`);
  if (!roles.has(userRole)) throw new HopwatchError('HW_COLLECTOR_BAD_QUERY', `party ${q.party} has no requests in User Role ${userRole}`);

  const base = { kind: 'request' as const, fromMs: q.fromMs, toMs: q.toMs, filters: { ...q.filters, userRole: [userRole] } };
  const overall = queryRollups(source, { ...base, period: 'total', by: ['party'] }).filter((r) => r.dims.party !== q.party);
  const ranked = overall.map((r) => ({ party: r.dims.party!, success: pct(r.agg.successes, r.agg.volume) ?? 0, median: r.agg.primary.summary().median ?? Infinity }))
    .sort((a, b) => b.success - a.success || a.median - b.median);
  const label = peerLabels(ranked.map((p) => p.party));
  const withheld = ranked.length < minPeers;

  const byParty = queryRollups(source, { ...base, period: q.period, by: [q.by, 'party'] });
  const industry = withheld ? [] : queryRollups(source, { ...base, period: q.period, by: [q.by] });
  const rows = new Map<string, { period: string; scope: string | null; you?: PeerFigures; peers: PeerFigures[]; industry?: PeerFigures }>();
  const rowFor = (period: string, scope: string) => {
    const id = `${period}\u0002${scope}`;
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { period, scope: scope || null, peers: [] }));
    return row;
  };
  for (const r of byParty) {
    const row = rowFor(r.period, r.dims[q.by]!);
    if (r.dims.party === q.party) row.you = figures('You', r.agg, true);
    else row.peers.push(figures(label.get(r.dims.party!)!, r.agg, false));
  }
  for (const r of industry) {
    const row = rows.get(`${r.period}\u0002${r.dims[q.by]}`);
    if (row) row.industry = figures('Industry', r.agg, true);
  }
  const peerNumber = (f: PeerFigures) => Number(f.series.slice(5));
  return {
    party: q.party, userRole, peers: ranked.length, withheld,
    rows: [...rows.values()].filter((r) => r.you).map((r) => {
      // Per row, not per report: a row's industry figure less your own is the sum of that row's peers (MP176).
      const rowWithheld = r.peers.length < minPeers;
      return {
        period: r.period, scope: r.scope, withheld: rowWithheld,
        series: rowWithheld ? [r.you!] : [r.you!, ...r.peers.sort((a, b) => peerNumber(a) - peerNumber(b)), ...(r.industry ? [r.industry] : [])],
      };
    }),
  };
}
