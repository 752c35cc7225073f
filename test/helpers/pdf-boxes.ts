// The text boxes of a pdfkit PDF, page by page, for layout tests: each text object's position
// (its Tm), font and size, and a width measured with the same font metrics pdfkit placed it
// with (the TJ kerning adjustments subtracted). Boxes span the font's descender to ascender.
import { inflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';

export interface TextBox {
  readonly page: number;
  readonly text: string;
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

export interface PdfLayout {
  readonly pageCount: number;
  readonly pageWidth: number;
  readonly pageHeight: number;
  readonly boxes: readonly TextBox[];
}

const latin1 = (pdf: Buffer) => pdf.toString('latin1');

function objectBody(text: string, id: string): string {
  const at = text.search(new RegExp(`(^|\\n)${id} 0 obj\\b`));
  if (at === -1) throw new Error(`PDF object ${id} not found`);
  return text.slice(at, text.indexOf('endobj', at));
}

function streamOf(pdf: Buffer, text: string, id: string): string {
  const body = objectBody(text, id);
  const start = text.indexOf(body) + body.indexOf('stream') + 'stream'.length;
  const from = start + (pdf[start] === 0x0d ? 2 : 1);
  const raw = pdf.subarray(from, pdf.indexOf('endstream', from));
  return /\/FlateDecode/.test(body.slice(0, body.indexOf('stream'))) ? inflateSync(raw).toString('latin1') : raw.toString('latin1');
}

export function pdfLayout(pdf: Buffer): PdfLayout {
  const text = latin1(pdf);
  const kids = /\/Type \/Pages[\s\S]*?\/Kids \[([^\]]*)\]/.exec(text)?.[1] ?? '';
  const pages = [...kids.matchAll(/(\d+) 0 R/g)].map((m) => m[1]!);
  const fonts = new Map<string, string>();
  for (const m of text.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    const base = /\/BaseFont \/([A-Za-z-]+)/.exec(objectBody(text, m[2]!))?.[1];
    if (base) fonts.set(m[1]!, base);
  }
  const box = /\/MediaBox \[([\d.\s]+)\]/.exec(objectBody(text, pages[0]!))![1]!.trim().split(/\s+/).map(Number);
  const measure = new PDFDocument({ autoFirstPage: false });
  const boxes: TextBox[] = [];
  pages.forEach((pageId, page) => {
    const contents = /\/Contents (\d+) 0 R/.exec(objectBody(text, pageId))![1]!;
    const content = streamOf(pdf, text, contents);
    for (const m of content.matchAll(/BT\s+1 0 0 1 ([-\d.]+) ([-\d.]+) Tm\s+\/(F\d+) ([\d.]+) Tf\s+\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ\s+ET/g)) {
      const [x, y, font, size] = [Number(m[1]), Number(m[2]), fonts.get(m[3]!)!, Number(m[4])];
      measure.font(font).fontSize(size);
      let width = 0;
      let runText = '';
      for (const part of m[5]!.matchAll(/<([0-9a-fA-F]*)>|(-?[\d.]+)/g)) {
        if (part[1] !== undefined) {
          const s = Buffer.from(part[1], 'hex').toString('latin1');
          runText += s;
          width += measure.widthOfString(s);
        } else {
          width -= (Number(part[2]) * size) / 1000;
        }
      }
      // Helvetica's ascender and descender (AFM): 718 and -207 per 1000.
      boxes.push({ page, text: runText, x0: x, x1: x + width, y0: y - 0.207 * size, y1: y + 0.718 * size });
    }
  });
  return { pageCount: pages.length, pageWidth: box[2]!, pageHeight: box[3]!, boxes };
}

/** Pairs of boxes on the same page that overlap by more than `tolerance` points both ways. */
export function overlappingBoxes(layout: PdfLayout, tolerance = 0.3): [TextBox, TextBox][] {
  const out: [TextBox, TextBox][] = [];
  const { boxes } = layout;
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i]!;
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j]!;
      if (a.page !== b.page) continue;
      const dx = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const dy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (dx > tolerance && dy > tolerance) out.push([a, b]);
    }
  }
  return out;
}
