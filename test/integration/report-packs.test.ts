// The PDF packs, rendered from a collector holding the demo's history: the MP122 monthly pack
// and the MP176 party pack, from `hopwatch report` and the API. Each is checked page by page
// from the PDF's own text objects: the sections are there, every text box lies on its page,
// and no two text boxes overlap.
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../bin/demo-history.js';
import type { Collector } from '../../collector/collector.js';
import { reportCommand } from '../../collector/reports/report-command.js';
import { demoUsers } from '../../firmware-stubs/index.js';
import { overlappingBoxes, pdfLayout, type PdfLayout } from '../helpers/pdf-boxes.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const PARTY = demoUsers[0]!.eui;

function expectClean(layout: PdfLayout): void {
  expect(overlappingBoxes(layout).map(([a, b]) => `page ${a.page + 1}: "${a.text}" over "${b.text}"`)).toEqual([]);
  const outside = layout.boxes.filter((b) => b.x0 < 0 || b.y0 < 0 || b.x1 > layout.pageWidth || b.y1 > layout.pageHeight);
  expect(outside.map((b) => b.text)).toEqual([]);
}

describe('PDF report packs', () => {
  const dir = tempDir();
  let c: Collector;
  const out = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  const pdf = async (url: string) => {
    const res = await c.http.inject({ method: 'GET', url });
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    return res.rawPayload;
  };

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 } });
    fillDemoHistory(c, { days: 8, rigs: 12, seed: 1, users: demoUsers, nowMs: Date.now(), out });
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('sees text drawn over other text (the check below can fail)', async () => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape' });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => doc.on('end', resolve));
    doc.fontSize(10).text('Availability', 100, 100, { lineBreak: false }).text('NORTH', 130, 104, { lineBreak: false }).text('apart', 100, 200, { lineBreak: false });
    doc.end();
    await ended;
    const layout = pdfLayout(Buffer.concat(chunks));
    expect(layout.boxes.map((b) => b.text)).toEqual(['Availability', 'NORTH', 'apart']);
    expect(overlappingBoxes(layout).map(([a, b]) => [a.text, b.text])).toEqual([['Availability', 'NORTH']]);
  });

  it('renders the MP122 pack: summary, RSVP per SRV and process, daily graphs, DSP/CSP, availability with outages, alerts', async () => {
    const layout = pdfLayout(await pdf('/api/v1/reports/mp122.pdf'));
    const text = layout.boxes.map((b) => b.text);

    expect(layout.pageCount).toBeGreaterThanOrEqual(4);
    expect(layout.boxes.length).toBeGreaterThan(500);
    for (const section of ['Summary', 'Service Requests per day', 'RSVP per SRV', 'RSVP per business process', 'Median times per day',
      'DSP / CSP split', 'Availability by CSP region', 'Alert delivery', 'Outage from']) expect(text, section).toContain(section);
    expect(text.filter((t) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(t)).length).toBeGreaterThanOrEqual(4);
    expect(text).toContain(`MP122 monthly report ${text.find((t) => t.startsWith('MP122 monthly report '))!.slice(21)}`);
    expect(text.some((t) => /page 1 of \d+$/.test(t))).toBe(true);
    expectClean(layout);
  });

  it('renders the MP176 pack for one party: itself, numbered peers and the industry, never a peer\'s identity', async () => {
    const bytes = await pdf(`/api/v1/reports/mp176.pdf?party=${PARTY}`);
    const layout = pdfLayout(bytes);
    const text = layout.boxes.map((b) => b.text);

    expect(layout.pageCount).toBeGreaterThanOrEqual(2);
    for (const label of ['Per SRV', 'Per Business process', 'You', 'Peer 1', 'Peer 3', 'Industry']) expect(text, label).toContain(label);
    expect(text.some((t) => t.includes(PARTY))).toBe(true);
    const others = demoUsers.filter((u) => u.eui !== PARTY).map((u) => u.eui);
    expect(text.filter((t) => others.some((eui) => t.includes(eui)))).toEqual([]);
    expectClean(layout);
  });

  it('writes both packs from the command line, and refuses them as CSV', async () => {
    const db = `${dir.path}/collector.db`;
    const run = async (argv: string[]) => {
      const chunks: Buffer[] = [];
      await reportCommand(argv, (chunk) => chunks.push(Buffer.from(chunk)));
      return Buffer.concat(chunks);
    };
    expect(pdfLayout(await run(['mp122', '--store', db, '--format', 'pdf'])).pageCount).toBeGreaterThanOrEqual(4);
    expect(pdfLayout(await run(['mp176', '--store', db, '--for', PARTY.toLowerCase(), '--format', 'pdf'])).boxes.some((b) => b.text === 'Industry')).toBe(true);
    await expect(run(['mp122', '--store', db])).rejects.toMatchObject({ code: 'HW_COLLECTOR_REPORT', message: expect.stringContaining('--format pdf') });
    await expect(run(['mp176', '--store', db, '--format', 'pdf'])).rejects.toMatchObject({ code: 'HW_COLLECTOR_REPORT', message: expect.stringContaining('--for') });
  });
});
