// The comparison, inventory and alert reports as PDF, from a collector holding the demo's
// history, through the API and `hopwatch report … --format pdf`. Each is read back from the
// PDF's own text objects: the sections and the figures the JSON API gives are there, every
// text box lies on its page, and no two text boxes overlap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../bin/demo-history.js';
import type { Collector } from '../../collector/collector.js';
import { reportCommand } from '../../collector/reports/report-command.js';
import { demoUsers } from '../../firmware-stubs/index.js';
import { overlappingBoxes, pdfLayout, type PdfLayout } from '../helpers/pdf-boxes.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const PARTY = demoUsers[0]!.eui;
const COMPARE = 'dimension=chFirmwareVersion&a=CHF-1.2.0&b=CHF-1.4.0&figure=hanUs';

function expectClean(layout: PdfLayout): void {
  expect(overlappingBoxes(layout).map(([a, b]) => `page ${a.page + 1}: "${a.text}" over "${b.text}"`)).toEqual([]);
  const outside = layout.boxes.filter((b) => b.x0 < 0 || b.y0 < 0 || b.x1 > layout.pageWidth || b.y1 > layout.pageHeight);
  expect(outside.map((b) => b.text)).toEqual([]);
}

/** A verdict as the PDF's standard font writes it: minus as a hyphen, the en dash as WinAnsi 0x96. */
const asDrawn = (s: string) => s.replace(/\u2212/g, '-').replace(/\u2013/g, '\x96');

describe('comparison, inventory and alert PDFs', () => {
  const dir = tempDir();
  let c: Collector;
  let month: string;
  let from: string;
  let to: string;
  const out = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  const pdf = async (url: string) => {
    const res = await c.http.inject({ method: 'GET', url });
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    return pdfLayout(res.rawPayload);
  };
  const json = async (url: string) => (await c.http.inject({ method: 'GET', url })).json();
  const run = async (argv: string[]) => {
    const chunks: Buffer[] = [];
    await reportCommand([...argv, '--store', `${dir.path}/collector.db`], (chunk) => chunks.push(Buffer.from(chunk)));
    return Buffer.concat(chunks);
  };

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 } });
    const nowMs = Date.now();
    fillDemoHistory(c, { days: 3, rigs: 9, seed: 1, users: demoUsers, nowMs, out });
    const { calendar } = c.metricEngine.source;
    month = calendar.localDate(nowMs).slice(0, 7);
    from = calendar.localDate(nowMs - 4 * 86_400_000);
    to = calendar.localDate(nowMs + 86_400_000);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('renders a comparison with the verdicts, medians and intervals the JSON API gives', async () => {
    const answer = await json(`/api/v1/compare?${COMPARE}`);
    const pooled = answer.rows[answer.rows.length - 1];
    const layout = await pdf(`/api/v1/compare.pdf?${COMPARE}`);
    const text = layout.boxes.map((b) => b.text);

    for (const section of ['Comparison of chFirmwareVersion CHF-1.2.0 and CHF-1.4.0', 'Verdict over all SRVs', 'Median hanUs per SRV', 'Per SRV, and pooled', 'Verdicts per SRV', 'all SRVs']) {
      expect(text, section).toContain(section);
    }
    expect(pooled.a.measured).toBeGreaterThan(100);
    // The stubs' newer CH firmware handles the HAN faster (firmware-stubs/latency-model.ts).
    expect(pooled.verdict).toMatch(/^CHF-1\.4\.0 is [\d.]+ ms faster than CHF-1\.2\.0, 95 % CI/);
    expect(text).toContain(asDrawn(pooled.verdict));
    expect(text).toContain(asDrawn(pooled.successVerdict));
    expect(text).toContain((pooled.a.medianUs / 1000).toFixed(1));
    expect(text).toContain(`${(pooled.shiftUs.lower / 1000).toFixed(1)} to ${(pooled.shiftUs.upper / 1000).toFixed(1)}`);
    expectClean(layout);
  });

  it('renders a party\'s inventory with bar graphs of device types, models and firmware shares, no peer named', async () => {
    const inv = await json(`/api/v1/inventory?party=${PARTY}&month=${month}`);
    const layout = await pdf(`/api/v1/inventory?party=${PARTY}&month=${month}&format=pdf`);
    const text = layout.boxes.map((b) => b.text);

    for (const section of ['Devices per device type', 'Devices per model and firmware version', 'Firmware versions per model: you, peers and the industry', 'You', 'Industry']) {
      expect(text, section).toContain(section);
    }
    for (const t of inv.deviceTypes) expect(text, t.deviceType).toContain(t.deviceType);
    expect(text.some((t) => t.includes(`${inv.devices} devices`))).toBe(true);
    const others = demoUsers.filter((u) => u.eui !== PARTY).map((u) => u.eui);
    expect(text.filter((t) => others.some((eui) => t.includes(eui)))).toEqual([]);
    expectClean(layout);
  });

  it('renders the alert report with delivery, the sequences and, for every party only, the outage clustering', async () => {
    const all = await pdf('/api/v1/reports/alerts.pdf');
    const text = all.boxes.map((b) => b.text);
    for (const section of ['Alert delivery', 'N42 within seven days after N16', 'Power Outage Alerts with no later Power Restoration Alert',
      'Firmware image verification after 11.1', 'Failure alerts linked to the request they fail', 'Power outages by window and CSP region']) {
      expect(text, section).toContain(section);
    }
    const outages = await json('/api/v1/alerts/outages?granularity=total');
    const unrestored = outages.rows.reduce((n: number, r: { unrestored: number }) => n + r.unrestored, 0);
    expect(unrestored).toBeGreaterThan(0);
    expect(text).toContain(`Outages not restored: ${unrestored}${unrestored > 50 ? ', the first 50 listed' : ''}.`);
    // The demo history's storm: 80 hubs in CENTRAL in one 3-minute window (firmware-stubs/history/history-plan.ts), with any of the fleet's own that raised one then.
    const clusters = await json(`/api/v1/availability/power-outages?from=${from}&to=${to}`);
    const wider = clusters.windows.filter((w: { class: string }) => w.class === 'wider');
    expect(wider).toEqual([expect.objectContaining({ region: 'CENTRAL', hubs: expect.any(Number) })]);
    expect(wider[0].hubs).toBeGreaterThanOrEqual(80);
    expect(text).toContain('Wider outages: 1.');
    expect(text).toContain(wider[0].from);
    // No metrics.powerOutage.alertCodes configured: the catalogue's code of reason power-outage.
    expect(text.some((t) => t.startsWith('Power Outage Alerts (PO1) in 3-minute windows from 00:00'))).toBe(true);
    expectClean(all);

    const own = (await pdf(`/api/v1/reports/alerts.pdf?party=${PARTY}`)).boxes.map((b) => b.text);
    expect(own).toContain('Alert delivery');
    expect(own).not.toContain('Power outages by window and CSP region');
    expect(own.some((t) => t.includes(`party ${PARTY}`))).toBe(true);
  });

  it('writes the three PDFs from the command line, and compare and power-outages as CSV', async () => {
    const compared = pdfLayout(await run(['compare', '--dimension', 'chFirmwareVersion', '--a', 'CHF-1.2.0', '--b', 'CHF-1.4.0', '--figure', 'hanUs', '--format', 'pdf']));
    expect(compared.boxes.map((b) => b.text)).toContain('Verdict over all SRVs');
    expect(pdfLayout(await run(['inventory', '--for', PARTY, '--month', month, '--format', 'pdf'])).boxes.map((b) => b.text)).toContain('Devices per device type');
    expect(pdfLayout(await run(['alerts', '--format', 'pdf'])).boxes.map((b) => b.text)).toContain('Power outages by window and CSP region');

    const csv = (await run(['compare', '--dimension', 'chFirmwareVersion', '--a', 'CHF-1.2.0', '--b', 'CHF-1.4.0', '--figure', 'hanUs', '--from', from, '--to', to])).toString();
    expect(csv.split('\r\n').length).toBeGreaterThan(3);
    expect(csv).toBe((await c.http.inject({ method: 'GET', url: `/api/v1/compare.csv?${COMPARE}&from=${from}&to=${to}` })).body);
    const windows = (await run(['power-outages', '--from', from, '--to', to])).toString().split('\r\n');
    expect(windows[0]).toBe('from,to,region,hubs,alerts,class');
    expect(windows.length).toBeGreaterThan(2);
  });

  it('refuses a comparison without both sides, and a PDF of a report that has none', async () => {
    await expect(run(['compare', '--dimension', 'chFirmwareVersion', '--a', 'CHF-1.2.0', '--format', 'pdf'])).rejects.toMatchObject({ code: 'HW_COLLECTOR_BAD_QUERY', message: expect.stringContaining('b (the candidate)') });
    await expect(run(['top-ups', '--format', 'pdf'])).rejects.toMatchObject({ code: 'HW_COLLECTOR_REPORT', message: expect.stringContaining('not top-ups') });
  });
});
