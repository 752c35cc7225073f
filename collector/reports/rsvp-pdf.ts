// The monthly RSVP report as PDF (MP176: reports are delivered as CSV data files and PDF):
// one table row per SRV or process, with volume, payload, speed and the share within the TRT.
import PDFDocument from 'pdfkit';
import type { RsvpRow } from '../metrics/rsvp.js';

export interface RsvpPdfMeta {
  readonly title: string;
  readonly period: string;
  readonly timeZone: string;
  readonly by: readonly string[];
  readonly precision: string;
  readonly generatedAt: string;
}

interface Column {
  readonly header: string;
  readonly width: number;
  readonly value: (r: RsvpRow) => string;
}

const seconds = (us: number | null) => (us === null ? '-' : (us / 1e6).toFixed(us < 10e6 ? 3 : 1));
const percent = (v: number | null) => (v === null ? '-' : v.toFixed(1));

function columns(by: readonly string[]): Column[] {
  return [
    ...by.map((d): Column => ({ header: d, width: d === 'party' ? 120 : 62, value: (r) => String(r[d] ?? '-') })),
    { header: 'Volume', width: 52, value: (r) => String(r.volume) },
    { header: 'Success %', width: 52, value: (r) => percent(r.successRatePct) },
    { header: 'Comms fail %', width: 58, value: (r) => percent(r.payloadFailureRatePct) },
    { header: 'RTT mean s', width: 56, value: (r) => seconds(r.rttUs.mean) },
    { header: 'RTT median s', width: 60, value: (r) => seconds(r.rttUs.median) },
    { header: 'RTT p95 s', width: 52, value: (r) => seconds(r.rttUs.p95) },
    { header: 'RTT max s', width: 52, value: (r) => seconds(r.rttUs.max) },
    { header: 'DCC median s', width: 60, value: (r) => seconds(r.dccUs.median) },
    { header: 'TRT s', width: 42, value: (r) => (r.trtSeconds === null ? '-' : String(r.trtSeconds)) },
    { header: 'In TRT %', width: 48, value: (r) => percent(r.withinTrtPct) },
  ];
}

/** Renders the rows to a PDF document (A4 landscape). */
export function renderRsvpPdf(rows: readonly RsvpRow[], meta: RsvpPdfMeta): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, info: { Title: meta.title, Creator: 'hopwatch' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(16).text(meta.title);
  doc.font('Helvetica').fontSize(9).fillColor('#444')
    .text(`Period ${meta.period} (${meta.timeZone}) · by ${meta.by.join(', ') || '-'} · ${meta.precision} percentiles · generated ${meta.generatedAt}`)
    .text('RTT: HAN-inclusive round trip (UG_IN to UG_OUT). DCC: HAN-exclusive time, judged against the TRT in force on each request\'s date (SEC Appendix E, SECMP0053). Comms fail: E20/E21-type failures, failure alerts and no response (MP122).')
    .fillColor('black').moveDown(0.8);

  const cols = columns(meta.by);
  const rowHeight = 14;
  const line = (cells: string[], bold: boolean) => {
    if (doc.y + rowHeight > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = doc.page.margins.left;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    cells.forEach((text, i) => {
      doc.text(text, x, y, { width: cols[i]!.width - 4, lineBreak: false, ellipsis: true });
      x += cols[i]!.width;
    });
    doc.x = doc.page.margins.left;
    doc.y = y + rowHeight;
  };
  line(cols.map((c) => c.header), true);
  let lastPeriod = '';
  for (const r of rows) {
    if (r.period !== lastPeriod && rows.some((o) => o.period !== r.period)) {
      doc.moveDown(0.3);
      line([r.period], true);
      lastPeriod = r.period;
    }
    line(cols.map((c) => c.value(r)), false);
  }
  if (rows.length === 0) doc.font('Helvetica').fontSize(10).text('No records in this period.');
  doc.end();
  return done;
}
