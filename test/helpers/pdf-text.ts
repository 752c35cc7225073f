// The text a PDF shows, for tests: pdfkit writes each text run as hex strings in TJ arrays
// inside (usually deflated) content streams; this inflates every stream and joins the runs.
import { inflateSync } from 'node:zlib';

function streamBodies(pdf: Buffer): Buffer[] {
  const bodies: Buffer[] = [];
  for (let at = pdf.indexOf('stream'); at !== -1; at = pdf.indexOf('stream', at + 1)) {
    if (pdf.subarray(at - 3, at).toString('latin1') === 'end') continue;
    const start = at + (pdf[at + 6] === 0x0d ? 8 : 7);
    const end = pdf.indexOf('endstream', start);
    if (end === -1) break;
    const raw = pdf.subarray(start, end);
    try {
      bodies.push(inflateSync(raw));
    } catch {
      bodies.push(raw);
    }
    at = end + 8;
  }
  return bodies;
}

const hex = (h: string) => Buffer.from(h, 'hex').toString('latin1');

export function pdfText(pdf: Buffer): string {
  const runs: string[] = [];
  for (const body of streamBodies(pdf)) {
    for (const m of body.toString('latin1').matchAll(/\[((?:<[0-9A-Fa-f]*>|[-\d.\s])*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj/g)) {
      runs.push(m[1] !== undefined ? [...m[1].matchAll(/<([0-9A-Fa-f]*)>/g)].map((h) => hex(h[1]!)).join('') : hex(m[2]!));
    }
  }
  return runs.join('\n');
}
