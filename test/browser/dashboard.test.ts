// The dashboard in Debian's Chromium against a real collector on loopback: three real agents
// stamp the latest journeys; earlier hours are written the way ingest writes them. Every view
// renders, shows the API's numbers, keeps its filters in the URL (a shared link restores it),
// exports CSV, fits a phone's width, and logs no console error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { journeyKey } from '../../agent/journey-key.js';
import type { Collector } from '../../collector/collector.js';
import type { JourneyRecord } from '../../collector/join/journey-record.js';
import { waitFor } from '../../common/wait-for.js';
import { HopPoint } from '../../proto/hop-point.js';
import { keyText } from '../helpers/batches.js';
import { launchChromium, openPage, screenshotFolder, type WatchedPage } from '../helpers/browser.js';
import { startTestAgent, startTestCollector, writeThroughIngest } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { alert, PARTY_B, request, writeOf } from '../unit/metrics/harness.js';

const HOUR_MS = 3_600_000;
const LIVE_JOURNEYS = 30;
const ms = (us: number | null | undefined) => (us === null || us === undefined ? '' : (us / 1000).toFixed(1));
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '' : v.toFixed(1));

interface Journey {
  key: string; srv: string; kind: string; outcome: string; figures: Record<string, number>; context: Record<string, string>;
  segments: { us: number; uncertaintyUs: number | null }[];
}

describe('the dashboard in a browser', () => {
  const dir = tempDir('hopwatch-dashboard-');
  const shots = screenshotFolder('hopwatch-dashboard-shots-');
  const agents: Agent[] = [];
  let c: Collector;
  let browser: Browser;
  const api = async <T>(path: string): Promise<T> => (await fetch(`${c.httpUrl}${path}`)).json() as Promise<T>;

  /** Opens a view, waits until it has drawn, and hands back the page with its console errors. */
  async function view(hash: string, width = 1280): Promise<WatchedPage> {
    const watched = await openPage(browser, width);
    await watched.page.goto(`${c.httpUrl}/${hash}`);
    await watched.page.waitForSelector('#view > [data-ready=true]', { timeout: 15_000 });
    return watched;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const cells = (page: Page, selector: string) => page.$$eval(selector, (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim())));

  /** Live journeys, hop by hop from three agents, as the pipeline test stamps them. */
  async function stampLiveJourneys(): Promise<void> {
    const [gw, csp, rig] = ['gw', 'csp-north', 'rig-1'].map((id) => startTestAgent(dir.path, id, c.brokerUrl));
    agents.push(gw!, csp!, rig!);
    const t0 = Date.now() * 1000 - 60_000_000;
    for (let j = 0; j < LIVE_JOURNEYS; j++) {
      const key = journeyKey(keyText(7000 + j));
      const t = t0 + j * 1_000_000;
      const context = { srv: j % 3 === 0 ? '1.1.1' : '4.1.1', deviceModel: j % 2 ? 'MODEL-A' : 'MODEL-B', firmwareVersion: j % 2 ? 'FW-1.0' : 'FW-2.0' };
      gw!.record(key, HopPoint.UG_IN, t, context);
      gw!.record(key, HopPoint.DSP_OUT, t + 100_000);
      csp!.record(key, HopPoint.CSP_OUT, t + 200_000, { cspRegion: 'SOUTH' });
      rig!.record(key, HopPoint.CH_IN, t + 900_000, { deviceType: 'ESME' });
      rig!.record(key, HopPoint.HAN_OUT, t + 950_000);
      rig!.record(key, HopPoint.HAN_IN, t + 1_950_000 + j * 10_000);
      rig!.record(key, HopPoint.CH_OUT, t + 2_000_000 + j * 10_000);
      csp!.record(key, HopPoint.CSP_IN, t + 2_600_000 + j * 10_000);
      gw!.record(key, HopPoint.DSP_IN, t + 2_700_000 + j * 10_000);
      gw!.record(key, HopPoint.UG_OUT, t + 3_000_000 + j * 10_000, { code: j % 7 === 3 ? 'E20' : 'I0' });
    }
    await Promise.all(agents.map((a) => a.drained(10_000)));
    await waitFor(() => c.store.listJourneys({ limit: 1000 }).filter((r) => r.key.includes(':7')).length >= LIVE_JOURNEYS, 15_000, 'live journeys');
  }

  /** Earlier hours, written as ingest writes them (one transaction with the rollup sink). */
  function writeHistory(): void {
    const now = Date.now();
    const records: JourneyRecord[] = [];
    for (let i = 0; i < 48; i++) {
      const at = new Date(now - 3 * HOUR_MS + i * 3 * 60_000).toISOString();
      const region = i % 2 ? 'NORTH' : 'CENTRAL';
      records.push(request({
        at, srv: i % 4 === 0 ? '1.1.1' : '4.1.1', rttMs: 2000 + i * 40, hanMs: 500 + (i % 5) * 100, counter: 9000 + i,
        ...(i % 9 === 4 ? { unanswered: true } : {}),
        context: { cspRegion: region, deviceModel: i % 3 ? 'MODEL-A' : 'MODEL-C', firmwareVersion: i % 3 ? 'FW-1.0' : 'FW-3.0' },
      }, c.catalogue));
    }
    // Power Outage Alerts from four hubs in one window, one of them restored later.
    for (let hub = 0; hub < 4; hub++) {
      const device = `00-DB-12-34-56-78-91-0${hub}`;
      records.push(alert({ at: new Date(now - 2 * HOUR_MS + hub * 1000).toISOString(), code: 'PO1', deliveryMs: 2000, device, user: PARTY_B }, c.catalogue));
      if (hub === 0) records.push(alert({ at: new Date(now - HOUR_MS).toISOString(), code: 'PR1', deliveryMs: 2000, device, user: PARTY_B }, c.catalogue));
    }
    const writes = records.map((r) => writeOf(r));
    writeThroughIngest(c, writes, now);
  }

  beforeAll(async () => {
    c = await startTestCollector(dir.path);
    writeHistory();
    await stampLiveJourneys();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const a of agents) await a.close();
    await c?.close();
    dir.cleanup();
  });

  it('overview shows the API\'s volume, success and times per region, and the period follows the URL', async () => {
    const watched = await openPage(browser, 1280);
    const throughputAnswer = watched.page.waitForResponse((res) => res.url().includes('/api/v1/throughput?'));
    await watched.page.goto(`${c.httpUrl}/#/overview?range=day`);
    await watched.page.waitForSelector('#view > [data-ready=true]', { timeout: 15_000 });
    const { page, errors } = watched;
    const throughput = (await (await throughputAnswer).json()) as { stepSeconds: number; rows: { hops: number; requests: Record<string, number> }[] };
    const hops = throughput.rows.reduce((n, r) => n + r.hops, 0);
    // Every hop the three agents sent was counted in the minute it arrived.
    expect(hops).toBe(LIVE_JOURNEYS * 10);
    expect(await page.textContent('[data-tile=hops] b')).toBe(String(hops));
    expect(throughput.stepSeconds).toBe(300);
    expect(await page.locator('[data-chart=hops] .uplot').count()).toBe(1);
    expect(await page.locator('[data-chart=journeys] .uplot .u-legend .u-series').count()).toBe(1 + 3);
    const from = await page.$eval('#view', () => new Date(Math.floor((Date.now() - 86_400_000) / 3_600_000) * 3_600_000).toISOString());
    const totals = await api<{ rows: { region: string; volume: number; successes: number; successRatePct: number; rttUs: { median: number; p95: number }; dccUs: { median: number } }[] }>(
      `/api/v1/rsvp?from=${from}&by=region&granularity=total`);
    const volume = totals.rows.reduce((n, r) => n + r.volume, 0);
    expect(volume).toBe(48 + LIVE_JOURNEYS);
    expect(await page.textContent('[data-tile=journeys] b')).toBe(String(volume));
    expect(await page.textContent('[data-tile=success] b')).toBe(pct((100 * totals.rows.reduce((n, r) => n + r.successes, 0)) / volume));
    const shown = await cells(page, '#regions tbody tr');
    // A slice whose journeys all moved to another (a record amended by late hops) keeps a row of 0: not shown.
    expect(shown).toEqual(totals.rows.filter((r) => r.volume > 0).map((r) => [r.region, String(r.volume), pct(r.successRatePct), ms(r.rttUs.median), ms(r.rttUs.p95), ms(r.dccUs.median), expect.any(String)]));
    expect(await page.locator('.uplot').count()).toBe(6);
    expect(await page.textContent('[data-tile=agents] b')).toBe('3 / 3');
    // Rates need two reads of the counters a few seconds apart.
    await expect.poll(() => page.textContent('[data-tile=hops-rate] b'), { timeout: 15_000, interval: 500 }).toMatch(/^\d+\.\d$/);
    await shot(page, 'overview-1280');

    await page.selectOption('[name=region]', 'SOUTH');
    await page.waitForURL(/region=SOUTH/);
    await page.waitForSelector('#view > [data-ready=true]');
    const south = await api<{ rows: { volume: number }[] }>(`/api/v1/rsvp?from=${from}&by=region&granularity=total&region=SOUTH`);
    expect(south.rows.length).toBe(1);
    expect(await cells(page, '#regions tbody tr')).toEqual([expect.arrayContaining(['SOUTH', String(south.rows[0]!.volume)])]);
    expect(errors).toEqual([]);
  });

  it('RSVP shows the month per SRV as the API does, and a shared link restores the SRV picked with its daily graphs', async () => {
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const { page, errors } = await view(`#/rsvp?month=${month}`);
    const report = await api<{ rows: { srv: string; volume: number; successRatePct: number; rttUs: { median: number }; dccUs: { median: number }; trtSeconds: number; withinTrtPct: number }[] }>(`/api/v1/rsvp?month=${month}&by=srv`);
    const shown = await cells(page, '#summary tbody tr');
    expect(shown.map((r) => [r[0], r[1], r[2], r[3], r[5], r[6], r[7]])).toEqual(
      [...report.rows].sort((a, b) => a.srv.localeCompare(b.srv)).map((r) => [r.srv, String(r.volume), pct(r.successRatePct), ms(r.rttUs.median), ms(r.dccUs.median), String(r.trtSeconds), pct(r.withinTrtPct)]));

    await page.click('#summary tr[data-key="4.1.1"]');
    await page.waitForURL(/key=4\.1\.1/);
    await page.waitForSelector('#view > [data-ready=true] #daily .uplot');
    const link = page.url();
    const shared = await openPage(browser, 1280);
    await shared.page.goto(link);
    await shared.page.waitForSelector('#view > [data-ready=true]');
    expect(await shared.page.locator('#summary tr.selected').getAttribute('data-key')).toBe('4.1.1');
    expect(await shared.page.locator('#daily .uplot').count()).toBe(3);
    await shot(shared.page, 'rsvp-1280');
    expect([...errors, ...shared.errors]).toEqual([]);
  });

  it('Journeys filters through the URL, shows a journey\'s hop timeline with uncertainties, and exports the list as CSV', async () => {
    const { page, errors } = await view('#/journeys');
    const all = (await api<{ journeys: Journey[] }>('/api/v1/journeys?limit=100')).journeys;
    expect(await page.locator('#journey-table tbody tr.pick').count()).toBe(all.length);

    await page.selectOption('[name=outcome]', 'failure');
    await page.waitForURL(/outcome=failure/);
    await page.waitForSelector('#view > [data-ready=true]');
    const failures = (await api<{ journeys: Journey[] }>('/api/v1/journeys?limit=100&outcome=failure')).journeys;
    expect(failures.length).toBeGreaterThan(0);
    expect(await page.locator('#journey-table tbody tr.pick').count()).toBe(failures.length);

    await page.selectOption('[name=outcome]', '');
    await page.fill('[name=firmware]', 'FW-2.0');
    await page.fill('[name=srv]', '4.1.1');
    await page.click('#filters button[type=submit]');
    await page.waitForURL(/firmware=FW-2\.0/);
    await page.waitForSelector('#view > [data-ready=true]');
    const matching = (await api<{ journeys: Journey[] }>('/api/v1/journeys?limit=100&srv=4.1.1&firmwareVersion=FW-2.0')).journeys;
    expect(matching.every((j) => j.context.firmwareVersion === 'FW-2.0')).toBe(true);
    expect(matching.length).toBeGreaterThan(0);
    const keys = await page.$$eval('#journey-table tbody tr.pick', (rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(keys).toEqual(matching.map((j) => j.key));

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv[0]).toMatch(/^key,started_utc,kind,srv,region,outcome/);
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(matching.map((j) => j.key));

    await page.click(`#journey-table tr[data-key="${matching[0]!.key}"]`);
    await page.waitForURL(/key=/);
    await page.waitForSelector('#view > [data-ready=true] #journey');
    const detail = (await api<{ journeys: Journey[] }>(`/api/v1/journeys/${matching[0]!.key}`)).journeys.at(-1)!;
    const labels = await page.$$eval('#journey .seg-label b', (bs) => bs.map((b) => b.textContent));
    expect(labels).toEqual(detail.segments.map((s) => `${ms(s.us)} ms`));
    expect(await page.locator('#journey .seg .err').count()).toBe(detail.segments.filter((s) => s.uncertaintyUs !== null).length);
    await shot(page, 'journeys-1280');

    const shared = await openPage(browser, 1280);
    await shared.page.goto(page.url());
    await shared.page.waitForSelector('#view > [data-ready=true] #journey');
    expect(await shared.page.inputValue('[name=firmware]')).toBe('FW-2.0');
    expect(await shared.page.locator('#journey-table tbody tr.pick').count()).toBe(matching.length);
    expect([...errors, ...shared.errors]).toEqual([]);
  });

  it('Where the time goes shows per SRV the requests and mean time per part the RSVP rollups give, on one axis', async () => {
    const watched = await openPage(browser, 1280);
    const answer = watched.page.waitForResponse((res) => res.url().includes('/api/v1/rsvp?'));
    await watched.page.goto(`${c.httpUrl}/#/time?days=1`);
    const totals = (await (await answer).json()) as { rows: { srv: string; volume: number; hanUs: { mean: number | null }; chResidenceUs: { mean: number | null }; segments: { dsp: { meanUs: number | null } } }[] };
    await watched.page.waitForSelector('#view > [data-ready=true]');
    const shown = await cells(watched.page, '#split tbody tr');
    const expected = totals.rows.filter((r) => r.volume > 0).sort((a, b) => a.srv.localeCompare(b.srv, 'en', { numeric: true }));
    expect(expected.length).toBeGreaterThan(1);
    expect(shown.map((r) => [r[0], r[1], r[2], r[4], r[5]])).toEqual(expected.map((r) => [r.srv, String(r.volume), ms(r.segments.dsp.meanUs), ms(r.chResidenceUs.mean), ms(r.hanUs.mean)]));
    expect(await watched.page.locator('#split .stack .budget').count()).toBeGreaterThan(0);
    await shot(watched.page, 'time-1280');
    expect(watched.errors).toEqual([]);
  });

  it('Availability shows each region\'s availability beside its coverage as the API computed them', async () => {
    // Minutes pass while the test runs: compare with the very answer the page drew.
    const watched = await openPage(browser, 1280);
    const answer = watched.page.waitForResponse((res) => res.url().includes('/api/v1/availability?'));
    const outagesAnswer = watched.page.waitForResponse((res) => res.url().includes('/api/v1/availability/power-outages?'));
    await watched.page.goto(`${c.httpUrl}/#/availability?days=7`);
    const report = (await (await answer).json()) as { regions: { region: string; availabilityPct: number | null; minutes: number; unknownMinutes: number }[] };
    await watched.page.waitForSelector('#view > [data-ready=true]');
    expect(report.regions.map((r) => r.region)).toEqual(['NORTH', 'CENTRAL', 'SOUTH']);
    for (const r of report.regions) {
      const panel = watched.page.locator(`.panel[data-region="${r.region}"]`);
      expect(await panel.locator('[data-tile=availability] b').textContent()).toBe(pct(r.availabilityPct) || '—');
      expect(await panel.locator('[data-tile=coverage] b').textContent()).toBe(pct(r.minutes ? (100 * (r.minutes - r.unknownMinutes)) / r.minutes : null) || '—');
    }
    const outages = (await (await outagesAnswer).json()) as { regions: { region: string; windows: number; isolated: number; wider: number; maxHubs: number }[] };
    expect(outages.regions).toEqual([{ region: 'NORTH', windows: 1, isolated: 1, wider: 0, maxHubs: 4 }]);
    await watched.page.waitForSelector('#power-outages[data-ready=true]');
    expect(await cells(watched.page, '#power-outages tbody tr')).toEqual([['NORTH', '1', '1', '0', '4']]);
    await shot(watched.page, 'availability-1280');
    expect(watched.errors).toEqual([]);
  });

  it('Agents and clocks lists every agent with its buffer and clock', async () => {
    const { page, errors } = await view('#/agents');
    const { agents: statuses } = await api<{ agents: { agentId: string; status: { state: string; buffer: { hops: number } } }[] }>('/api/v1/agents');
    const { clocks } = await api<{ clocks: { agentId: string }[] }>('/api/v1/clocks');
    const shown = await cells(page, '#agents tbody tr');
    expect(shown.map((r) => r[0])).toEqual(['csp-north', 'gw', 'rig-1']);
    expect(shown.map((r) => [r[1], r[4]])).toEqual(['csp-north', 'gw', 'rig-1'].map((id) => {
      const s = statuses.find((a) => a.agentId === id)!;
      return [s.status.state, String(s.status.buffer.hops)];
    }));
    expect(clocks.map((x) => x.agentId).sort()).toEqual(['csp-north', 'gw', 'rig-1']);
    for (const row of shown) expect(row[6]).toMatch(/^-?\d+\.\d$/);
    await shot(page, 'agents-1280');
    expect(errors).toEqual([]);
  });

  it('Devices and firmware shows the rollups\' spread per firmware and the API\'s comparison of two, with its interval and verdict', async () => {
    const { page, errors } = await view('#/devices?by=firmwareVersion&figure=hanUs&a=FW-1.0&b=FW-2.0');
    const from = new Date(Math.floor((Date.now() - 7 * 86_400_000) / HOUR_MS) * HOUR_MS).toISOString();
    const spread = await api<{ rows: { firmwareVersion: string; hanUs: { count: number; median: number; p95: number } }[] }>(`/api/v1/rsvp?from=${from}&granularity=total&by=firmwareVersion`);
    const shown = await cells(page, '#spread tbody tr');
    const expected = spread.rows.filter((r) => r.hanUs.count > 0).sort((a, b) => a.firmwareVersion.localeCompare(b.firmwareVersion));
    expect(expected.map((r) => r.firmwareVersion)).toEqual(['FW-1.0', 'FW-2.0', 'FW-3.0']);
    expect(shown.map((r) => [r[0], r[1], r[3], r[5]])).toEqual(expected.map((r) => [r.firmwareVersion, String(r.hanUs.count), ms(r.hanUs.median), ms(r.hanUs.p95)]));
    // Day by day, one line per firmware version.
    expect(await page.$$eval('#over-time .u-legend .u-series th', (ths) => ths.map((th) => th.textContent!.trim()))).toEqual(['time', 'FW-1.0', 'FW-2.0', 'FW-3.0']);

    const comparison = await api<{ rows: { srv: string | null; a: { medianUs: number; measured: number }; b: { medianUs: number; measured: number }; shiftUs: { estimate: number; lower: number; upper: number }; verdict: string }[] }>(
      `/api/v1/compare?dimension=firmwareVersion&a=FW-1.0&b=FW-2.0&figure=hanUs&from=${from}`);
    const pooled = comparison.rows.find((r) => r.srv === null)!;
    await page.waitForSelector('#compare[data-ready=true]');
    expect(await page.textContent('#verdict')).toBe(pooled.verdict);
    const rows = await cells(page, '#compare tbody tr');
    expect(rows.map((r) => [r[0], r[2], r[4], r[5], r[6]])).toEqual(comparison.rows.filter((r) => r.srv === null || r.a.measured + r.b.measured > 0).map((r) => [r.srv ?? 'all SRVs', ms(r.a.medianUs), ms(r.b.medianUs), ms(r.shiftUs?.estimate), r.shiftUs?.lower === null || r.shiftUs === null ? '' : `${ms(r.shiftUs.lower)} to ${ms(r.shiftUs.upper)}`]));

    await page.selectOption('[name=figure]', 'rttUs');
    await page.waitForURL(/figure=rttUs/);
    await page.waitForSelector('#view > [data-ready=true] #compare[data-ready=true]');
    const rtt = await api<{ rows: { srv: string | null; verdict: string }[] }>(`/api/v1/compare?dimension=firmwareVersion&a=FW-1.0&b=FW-2.0&figure=rttUs&from=${from}`);
    expect(await page.textContent('#verdict')).toBe(rtt.rows.find((r) => r.srv === null)!.verdict);
    await shot(page, 'devices-1280');
    expect(errors).toEqual([]);
  });

  it('Alerts shows the alert analytics of the month as the API counts them', async () => {
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const { page, errors } = await view(`#/alerts?month=${month}`);
    const outages = await api<{ rows: { party: string; outages: number; restored: number; unrestored: number }[] }>(`/api/v1/alerts/outages?month=${month}&granularity=month`);
    expect(outages.rows).toEqual([expect.objectContaining({ party: PARTY_B, outages: 4, restored: 1, unrestored: 3 })]);
    expect((await cells(page, '#outages tbody tr')).map((r) => r.slice(0, 4))).toEqual([[PARTY_B, '4', '1', '3']]);
    for (const id of ['credentials', 'firmware-verification', 'failure-links']) {
      const answer = await api<{ rows: unknown[] }>(`/api/v1/alerts/${id}?month=${month}&granularity=month`);
      expect(await page.locator(`#${id} tbody tr`).count(), id).toBe(Math.max(1, answer.rows.length));
    }
    expect(await page.textContent('#alerting')).toContain('No alerting rules configured');
    await shot(page, 'alerts-1280');
    expect(errors).toEqual([]);
  });

  it('Inventory shows a party\'s estate at the end of the month as the API does, and the party picked follows the URL', async () => {
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const party = '90-B3-D5-1F-30-01-00-00';
    const { page, errors } = await view(`#/inventory?month=${month}&party=${party}`);
    const report = await api<{ devices: number; models: { deviceType: string; deviceModel: string; firmwareVersion: string; devices: number }[] }>(`/api/v1/inventory?party=${party}&month=${month}`);
    expect(report.devices).toBeGreaterThan(0);
    expect(await page.textContent('[data-tile=devices] b')).toBe(String(report.devices));
    const modelRows = await page.$$eval('#estate h2:nth-of-type(2) + .scroll tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim())));
    expect(modelRows).toEqual(report.models.map((m) => [m.deviceType || '(unknown)', m.deviceModel, m.firmwareVersion, String(m.devices)]));
    expect(await page.inputValue('[name=party]')).toBe(party);
    await shot(page, 'inventory-1280');
    expect(errors).toEqual([]);
  });

  it('every view fits a phone\'s width', async () => {
    const { page, errors } = await view('#/overview', 390);
    for (const hash of ['#/overview', '#/rsvp?key=4.1.1', '#/time', '#/availability', '#/devices?a=FW-1.0&b=FW-2.0', '#/journeys', '#/alerts', '#/inventory', '#/agents']) {
      // A new hash draws the view again without reloading the page, as following a link within it does.
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.waitForSelector(`#view > [data-view="${hash.slice(2).split('?')[0]}"][data-ready=true]`);
      // Parts that fill in after the view (a comparison, outage clusters) are drawn too.
      await page.waitForFunction('[...document.querySelectorAll("#compare, #power-outages")].every((e) => e.dataset.ready)');
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, hash).toBeLessThanOrEqual(0);
      await shot(page, `${hash.slice(2).split('?')[0]}-390`);
    }
    expect(errors).toEqual([]);
  });
});
