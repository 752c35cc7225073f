// Line and bar charts drawn with pdfkit's vector operations. Labels are placed so that they
// cannot collide: y-axis ticks at least 14 pt apart, x labels thinned to the room they have,
// the legend in its own column right of the plot.
import { contentWidth, ensureSpace, oneLine, type Pdf } from './pdf-layout.js';

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  /** One value per label; null leaves a gap. */
  readonly values: readonly (number | null)[];
}

export interface ChartSpec {
  readonly title: string;
  readonly labels: readonly string[];
  readonly series: readonly ChartSeries[];
  /** Plot height in points (the chart takes about 40 more for its title and labels). */
  readonly height?: number;
  readonly unit?: string;
  /** Fixes the value axis (e.g. 0 to 100 for percentages); otherwise it fits the data. */
  readonly min?: number;
  readonly max?: number;
}

const AXIS_WIDTH = 44;
const LEGEND_WIDTH = 110;
const LABEL_SIZE = 6.5;

interface Plot { x: number; y: number; w: number; h: number; lo: number; hi: number }

export function lineChart(doc: Pdf, spec: ChartSpec): void {
  const p = frame(doc, spec);
  const n = spec.labels.length;
  const xAt = (i: number) => p.x + (n <= 1 ? p.w / 2 : (i * p.w) / (n - 1));
  for (const s of spec.series) {
    let drawing = false;
    s.values.forEach((v, i) => {
      if (v === null) { drawing = false; return; }
      const y = yAt(p, v);
      if (drawing) doc.lineTo(xAt(i), y);
      else doc.moveTo(xAt(i), y);
      drawing = true;
    });
    doc.lineWidth(1.2).strokeColor(s.color).stroke();
  }
  xLabels(doc, p, spec.labels, xAt);
}

export function barChart(doc: Pdf, spec: ChartSpec): void {
  const p = frame(doc, spec);
  const n = spec.labels.length;
  const slot = p.w / Math.max(1, n);
  const bar = (slot * 0.8) / Math.max(1, spec.series.length);
  spec.series.forEach((s, k) => {
    s.values.forEach((v, i) => {
      if (v === null) return;
      const top = yAt(p, v);
      const base = yAt(p, Math.max(p.lo, Math.min(p.hi, 0)));
      doc.rect(p.x + i * slot + slot * 0.1 + k * bar, Math.min(top, base), Math.max(0.5, bar - 1), Math.max(0.5, Math.abs(base - top))).fillColor(s.color).fill();
    });
  });
  doc.fillColor('black');
  xLabels(doc, p, spec.labels, (i) => p.x + (i + 0.5) * slot);
}

/** Title, axes, grid and legend; returns the plot area. */
function frame(doc: Pdf, spec: ChartSpec): Plot {
  const h = spec.height ?? 110;
  ensureSpace(doc, h + 44);
  oneLine(doc, spec.title, { font: 'Helvetica-Bold', size: 9 });
  const all = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const lo = spec.min ?? Math.min(0, ...all);
  let hi = spec.max ?? Math.max(...all, lo + 1);
  if (spec.max === undefined) hi = niceCeil(hi);
  if (hi <= lo) hi = lo + 1;
  const p: Plot = { x: doc.page.margins.left + AXIS_WIDTH, y: doc.y + 4, w: contentWidth(doc) - AXIS_WIDTH - LEGEND_WIDTH, h, lo, hi };

  const ticks = Math.max(1, Math.min(5, Math.floor(h / 14)));
  doc.font('Helvetica').fontSize(LABEL_SIZE);
  for (let t = 0; t <= ticks; t++) {
    const v = lo + ((hi - lo) * t) / ticks;
    const y = yAt(p, v);
    doc.moveTo(p.x, y).lineTo(p.x + p.w, y).lineWidth(0.3).strokeColor('#ccc').stroke();
    doc.fillColor('#444').text(`${tickText(v, hi - lo)}${spec.unit ?? ''}`, p.x - AXIS_WIDTH, y - LABEL_SIZE / 2, { width: AXIS_WIDTH - 4, align: 'right', lineBreak: false });
  }
  doc.moveTo(p.x, p.y).lineTo(p.x, p.y + p.h).lineTo(p.x + p.w, p.y + p.h).lineWidth(0.6).strokeColor('#666').stroke();
  const legendX = p.x + p.w + 10;
  spec.series.forEach((s, i) => {
    const y = p.y + i * 11;
    if (y + 8 > p.y + p.h) return;
    doc.rect(legendX, y + 1, 8, 6).fillColor(s.color).fill();
    doc.fillColor('black').fontSize(LABEL_SIZE + 0.5).text(s.name, legendX + 12, y, { width: LEGEND_WIDTH - 24, lineBreak: false, ellipsis: true });
  });
  doc.fillColor('black');
  return p;
}

function xLabels(doc: Pdf, p: Plot, labels: readonly string[], xAt: (i: number) => number): void {
  doc.font('Helvetica').fontSize(LABEL_SIZE).fillColor('#444');
  const widest = Math.max(1, ...labels.map((l) => doc.widthOfString(l)));
  const spacing = labels.length <= 1 ? p.w : xAt(1) - xAt(0);
  const every = Math.max(1, Math.ceil((widest + 6) / spacing));
  const width = Math.min(widest + 2, spacing * every - 4);
  labels.forEach((l, i) => {
    if (i % every !== 0) return;
    doc.text(l, xAt(i) - width / 2, p.y + p.h + 3, { width, align: 'center', lineBreak: false, ellipsis: true });
  });
  doc.fillColor('black');
  doc.x = doc.page.margins.left;
  doc.y = p.y + p.h + 3 + LABEL_SIZE * 1.4 + 8;
}

const yAt = (p: Plot, v: number) => p.y + p.h - ((Math.max(p.lo, Math.min(p.hi, v)) - p.lo) / (p.hi - p.lo)) * p.h;

function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= v) return m * step;
  return 10 * step;
}

function tickText(v: number, range: number): string {
  return range >= 10 ? String(Math.round(v)) : range >= 1 ? v.toFixed(1) : v.toFixed(2);
}
