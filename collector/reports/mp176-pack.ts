// The MP176 party pack as PDF: one party's figures per SRV and per business process beside its
// anonymised peers ("Peer 1..n", never named) and the industry of its User Role, as tables and
// charts. Rows with too few peers show the party alone (collector/metrics/peers.ts decides).
import type { MetricReader } from '../metrics/engine.js';
import { peerReport, type PeerFigures, type PeerReport, type PeerRow } from '../metrics/peers.js';
import { COLORS } from './mp122-pack.js';
import type { PackPeriod } from './pack-period.js';
import { barChart } from './pdf-charts.js';
import { createPdf, finishPdf, fixed, heading, note, seconds, table, type Column, type Pdf } from './pdf-layout.js';

export interface PartyPackQuery {
  readonly party: string;
  readonly userRole?: string;
}

/** Scopes per chart: beyond this many the bars get too thin to read. */
const CHART_SCOPES = 10;

type Line = PeerFigures & { readonly scope: string; readonly withheld: boolean };

const columns: Column<Line>[] = [
  { header: 'Scope', width: 110, value: (l) => l.scope },
  { header: 'Series', width: 80, value: (l) => l.series },
  { header: 'Volume', width: 60, align: 'right', value: (l) => (l.volume === null ? '-' : String(l.volume)) },
  { header: 'Success %', width: 60, align: 'right', value: (l) => fixed(l.successRatePct) },
  { header: 'Failure %', width: 60, align: 'right', value: (l) => fixed(l.failureRatePct) },
  { header: 'RTT median s', width: 70, align: 'right', value: (l) => seconds(l.rttMedianUs) },
  { header: 'RTT mean s', width: 65, align: 'right', value: (l) => seconds(l.rttMeanUs) },
  { header: 'RTT best s', width: 65, align: 'right', value: (l) => seconds(l.rttBestUs) },
  { header: 'RTT worst s', width: 65, align: 'right', value: (l) => seconds(l.rttWorstUs) },
  { header: 'Note', width: 110, value: (l) => (l.withheld ? 'too few peers: you alone' : '') },
];

export function renderMp176Pack(m: MetricReader, p: PackPeriod, q: PartyPackQuery): Promise<Buffer> {
  const report = (by: 'srv' | 'process') => peerReport(m.source, {
    party: q.party, ...(q.userRole !== undefined ? { userRole: q.userRole } : {}), fromMs: p.fromMs, toMs: p.toMs, period: 'total', by, filters: {},
  }, m.config.peers.minPeers);
  const bySrv = report('srv');
  const byProcess = report('process');
  const title = `MP176 party report ${p.label}`;
  const { doc, done } = createPdf({
    title, subtitle: `Party ${bySrv.party} · User Role ${bySrv.userRole} · ${bySrv.peers} peers · period ${p.label} (${m.config.timeZone})`, generatedAt: p.generatedAt,
  });
  note(doc, [
    'You beside every other party in your User Role, numbered by success rate then median RTT over the period (Peer 1 is the best), and the industry (all parties of the role).',
    'Peers are never named and their volumes are not shown; a row with fewer peers than the minimum shows you alone (MP176).',
  ]);
  section(doc, 'SRV', bySrv);
  section(doc, 'Business process', byProcess);
  finishPdf(doc, title);
  return done;
}

function section(doc: Pdf, scopeName: string, r: PeerReport): void {
  const rows = [...r.rows].sort((a, b) => (volumeOf(b) - volumeOf(a)) || String(a.scope).localeCompare(String(b.scope)));
  const charted = rows.filter((row) => !row.withheld).slice(0, CHART_SCOPES);
  const names = [...new Set(charted.flatMap((row) => row.series.map((s) => s.series)))];
  const series = (pick: (f: PeerFigures) => number | null) => names.map((name, i) => ({
    name, color: name === 'You' ? COLORS[0]! : name === 'Industry' ? COLORS[5]! : COLORS[(i % 5) + 1]!,
    values: charted.map((row) => { const f = row.series.find((s) => s.series === name); return f ? pick(f) : null; }),
  }));
  heading(doc, `Per ${scopeName}`, 150);
  if (charted.length > 0) {
    const successes = charted.flatMap((row) => row.series.map((s) => s.successRatePct ?? 100));
    barChart(doc, {
      title: `Success % per ${scopeName}, the ${charted.length} busiest`, labels: charted.map((row) => String(row.scope)), unit: ' %', height: 100,
      min: Math.max(0, Math.floor(Math.min(...successes) / 5) * 5 - 5), max: 100, series: series((f) => f.successRatePct),
    });
    barChart(doc, {
      title: `Median round trip per ${scopeName}, seconds`, labels: charted.map((row) => String(row.scope)), unit: ' s', height: 100,
      series: series((f) => (f.rttMedianUs === null ? null : f.rttMedianUs / 1e6)),
    });
  }
  table(doc, columns, rows.flatMap((row) => row.series.map((s): Line => ({ ...s, scope: String(row.scope ?? '(none)'), withheld: row.withheld }))));
}

const volumeOf = (row: PeerRow) => row.series.find((s) => s.series === 'You')?.volume ?? 0;
