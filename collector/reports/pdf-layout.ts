// The page furniture the PDF reports share (A4 landscape, pdfkit): a title block, section
// headings, tables that break across pages and repeat their header, and a footer with the page
// number. Every piece of text is placed on one line within a width it is measured against
// (ellipsis beyond it), and the cursor only moves down, so nothing is drawn over anything else.
import PDFDocument from 'pdfkit';

export type Pdf = InstanceType<typeof PDFDocument>;

export interface PdfMeta {
  readonly title: string;
  /** One line under the title: period, time zone, scope. */
  readonly subtitle: string;
  readonly generatedAt: string;
}

export interface Column<R> {
  readonly header: string;
  readonly width: number;
  readonly value: (row: R) => string;
  /** Numbers align right. */
  readonly align?: 'left' | 'right';
}

const ROW_HEIGHT = 13;
const FOOTER_SPACE = 18;

/** A document and the promise of its bytes, resolved once `doc.end()` has run. */
export function createPdf(meta: PdfMeta): { doc: Pdf; done: Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, bufferPages: true, info: { Title: meta.title, Creator: 'hopwatch' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  oneLine(doc, meta.title, { font: 'Helvetica-Bold', size: 16 });
  oneLine(doc, `${meta.subtitle} · generated ${meta.generatedAt}`, { size: 9, color: '#444' });
  doc.y += 6;
  return { doc, done };
}

/** Writes the page footers (title, page n of m) and ends the document. */
export function finishPdf(doc: Pdf, title: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const y = doc.page.height - doc.page.margins.bottom - 10;
    const text = `${title} · page ${i + 1} of ${range.count}`;
    // Below the bottom margin pdfkit would open a new page: the margin is lifted while the footer is drawn.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(7).fillColor('#666').text(text, doc.page.margins.left, y, { width: contentWidth(doc), align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('black');
  doc.end();
}

export const contentWidth = (doc: Pdf) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottomOf = (doc: Pdf) => doc.page.height - doc.page.margins.bottom - FOOTER_SPACE;

/** Starts a new page unless `height` points fit below the cursor. */
export function ensureSpace(doc: Pdf, height: number): void {
  if (doc.y + height > bottomOf(doc)) {
    doc.addPage();
    doc.y = doc.page.margins.top;
  }
}

/** One line of text at the left margin (or at x), cut with an ellipsis to its width; the cursor moves below it. */
export function oneLine(doc: Pdf, text: string, o: { font?: string; size?: number; color?: string; x?: number; width?: number } = {}): void {
  const size = o.size ?? 9;
  ensureSpace(doc, size * 1.4);
  const y = doc.y;
  const x = o.x ?? doc.page.margins.left;
  doc.font(o.font ?? 'Helvetica').fontSize(size).fillColor(o.color ?? 'black')
    .text(winAnsi(text), x, y, { width: o.width ?? contentWidth(doc) - (x - doc.page.margins.left), lineBreak: false, ellipsis: true });
  doc.fillColor('black');
  doc.x = doc.page.margins.left;
  doc.y = y + size * 1.4;
}

/** A heading; it starts a new page when less than `keepWith` points would follow it on this one. */
export function heading(doc: Pdf, text: string, keepWith = 60): void {
  ensureSpace(doc, 22 + keepWith);
  doc.y += 6;
  oneLine(doc, text, { font: 'Helvetica-Bold', size: 12 });
}

/** Lines of explanatory text, each kept to one line (split them where they should break). */
export function note(doc: Pdf, lines: readonly string[]): void {
  for (const line of lines) oneLine(doc, line, { size: 8, color: '#444' });
  doc.y += 3;
}

/** A table; a header row starts it and every page it continues on. */
export function table<R>(doc: Pdf, columns: readonly Column<R>[], rows: readonly R[], empty = 'No records in this period.'): void {
  const header = () => cells(doc, columns.map((c) => ({ text: c.header, width: c.width, align: c.align ?? 'left' })), true);
  ensureSpace(doc, ROW_HEIGHT * 2);
  header();
  if (rows.length === 0) oneLine(doc, empty, { size: 8, color: '#444' });
  for (const r of rows) {
    if (doc.y + ROW_HEIGHT > bottomOf(doc)) {
      ensureSpace(doc, ROW_HEIGHT * 2);
      header();
    }
    cells(doc, columns.map((c) => ({ text: c.value(r), width: c.width, align: c.align ?? 'left' })), false);
  }
  doc.y += 4;
}

function cells(doc: Pdf, list: readonly { text: string; width: number; align: 'left' | 'right' }[], bold: boolean): void {
  ensureSpace(doc, ROW_HEIGHT);
  const y = doc.y;
  let x = doc.page.margins.left;
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(7.5);
  list.forEach((c, i) => {
    // A left-aligned cell after another keeps clear of a right-aligned neighbour's last letters.
    const pad = c.align === 'left' && i > 0 ? 8 : 0;
    doc.text(winAnsi(c.text), x + pad, y, { width: c.width - 6 - pad, lineBreak: false, ellipsis: true, align: c.align });
    x += c.width;
  });
  if (bold) doc.moveTo(doc.page.margins.left, y + ROW_HEIGHT - 3).lineTo(x, y + ROW_HEIGHT - 3).lineWidth(0.5).strokeColor('#999').stroke();
  doc.x = doc.page.margins.left;
  doc.y = y + ROW_HEIGHT;
}

/** The standard PDF fonts draw WinAnsi only: the minus sign (U+2212, in verdicts) would come out as two stray bytes. */
export const winAnsi = (text: string) => text.replace(/\u2212/g, '-');

export const fixed = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits));
export const seconds = (us: number | null | undefined) => (us === null || us === undefined ? '-' : (us / 1e6).toFixed(us < 10e6 ? 2 : 1));
