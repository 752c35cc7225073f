// A comparison (compare-report.ts) as PDF, for a field test lab's file: the pooled verdicts
// first, then the medians of both sides per SRV as bars, the per-SRV table with the shift and
// success-rate difference and their 95 % intervals, and each SRV's verdicts.
import type { ComparisonRow } from '../analysis/compare.js';
import type { ComparisonReport } from './compare-report.js';
import { COLORS } from './mp122-pack.js';
import { generatedAt } from './pack-period.js';
import { barChart } from './pdf-charts.js';
import { createPdf, finishPdf, fixed, heading, note, table, type Column } from './pdf-layout.js';

/** SRVs charted: beyond this many the bars get too thin to read (the table has them all). */
const CHART_SRVS = 12;

const millis = (us: number | null | undefined) => fixed(us === null || us === undefined ? null : us / 1000);
const srvName = (r: ComparisonRow) => (r.srv === null ? 'all SRVs' : r.srv === '' ? '(none)' : r.srv);

const columns: Column<ComparisonRow>[] = [
  { header: 'SRV', width: 62, value: srvName },
  { header: 'Volume a', width: 50, align: 'right', value: (r) => String(r.a.volume) },
  { header: 'Volume b', width: 50, align: 'right', value: (r) => String(r.b.volume) },
  { header: 'Success % a', width: 56, align: 'right', value: (r) => fixed(r.a.successRatePct) },
  { header: 'Success % b', width: 56, align: 'right', value: (r) => fixed(r.b.successRatePct) },
  { header: 'Median a ms', width: 58, align: 'right', value: (r) => millis(r.a.medianUs) },
  { header: 'Median b ms', width: 58, align: 'right', value: (r) => millis(r.b.medianUs) },
  { header: 'p95 a ms', width: 50, align: 'right', value: (r) => millis(r.a.p95Us) },
  { header: 'p95 b ms', width: 50, align: 'right', value: (r) => millis(r.b.p95Us) },
  { header: 'Shift ms', width: 50, align: 'right', value: (r) => millis(r.shiftUs?.estimate) },
  { header: 'Shift CI ms', width: 84, align: 'right', value: (r) => (r.shiftUs ? `${millis(r.shiftUs.lower)} to ${millis(r.shiftUs.upper)}` : '-') },
  { header: 'Success diff pts', width: 72, align: 'right', value: (r) => fixed(r.successRateDifferencePct?.difference, 2) },
  { header: 'Success CI pts', width: 74, align: 'right', value: (r) => (r.successRateDifferencePct ? `${fixed(r.successRateDifferencePct.lower, 2)} to ${fixed(r.successRateDifferencePct.upper, 2)}` : '-') },
];

const verdictColumns: Column<ComparisonRow>[] = [
  { header: 'SRV', width: 62, value: srvName },
  { header: 'Times', width: 390, value: (r) => r.verdict },
  { header: 'Success rate', width: 318, value: (r) => r.successVerdict },
];

export function renderComparePdf(r: ComparisonReport, meta: { readonly timeZone: string; readonly nowMs: number }): Promise<Buffer> {
  const title = `Comparison of ${r.dimension} ${r.a} and ${r.b}`;
  const { doc, done } = createPdf({
    title, subtitle: `Figure ${r.figure} · ${r.from} to ${r.to} (reported in ${meta.timeZone}) · differences are b - a`, generatedAt: generatedAt(meta.nowMs),
  });
  const pooled = r.rows[r.rows.length - 1]!;
  heading(doc, 'Verdict over all SRVs');
  note(doc, [`a = ${r.a} (the baseline), b = ${r.b} (the candidate), on the same traffic in the period.`, pooled.verdict, pooled.successVerdict]);
  note(doc, [
    'Times: successful journeys only. Shift: the Hodges-Lehmann estimate of b - a with its 95 % confidence interval (Mann-Whitney); a difference is called only when the interval excludes zero.',
    'Success rate: every journey. Difference b - a in percentage points with Newcombe\'s hybrid score (Wilson) 95 % interval.',
  ]);

  const charted = r.rows.filter((row) => row.srv !== null && row.a.measured + row.b.measured > 0)
    .sort((x, y) => (y.a.volume + y.b.volume) - (x.a.volume + x.b.volume)).slice(0, CHART_SRVS);
  if (charted.length > 0) {
    heading(doc, `Median ${r.figure} per SRV`, 150);
    barChart(doc, {
      title: `Median ${r.figure}, ms, the ${charted.length} busiest SRVs`, labels: charted.map(srvName), unit: ' ms', height: 110,
      series: [
        { name: `a ${r.a}`, color: COLORS[0]!, values: charted.map((row) => (row.a.medianUs === null ? null : row.a.medianUs / 1000)) },
        { name: `b ${r.b}`, color: COLORS[1]!, values: charted.map((row) => (row.b.medianUs === null ? null : row.b.medianUs / 1000)) },
      ],
    });
  }
  heading(doc, 'Per SRV, and pooled');
  table(doc, columns, r.rows, 'No journeys of either side in this period.');
  heading(doc, 'Verdicts per SRV');
  table(doc, verdictColumns, r.rows, 'No journeys of either side in this period.');
  finishPdf(doc, title);
  return done;
}
