// The dashboard stays responsive with a million journey records in the store: every view, in
// Debian's Chromium against a real collector on a SQLite file, draws within RENDER_MS, shows
// data, logs no console error, and every API call it made answers within ROUTE_MS when made
// again on its own. The store is written once for the file (million-records.ts).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import type { SqliteStore } from '../../collector/store/sqlite-store.js';
import { launchChromium, openPage, type WatchedPage } from '../helpers/browser.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';
import { COPIES, TEMPLATES, writeMillion } from './million-records.js';

const RENDER_MS = 15_000;
const ROUTE_MS = 3_000;

describe('the dashboard with a million records in the store', () => {
  const dir = tempDir('hopwatch-dashboard-million-');
  let c: Collector;
  let browser: Browser;
  let watched: WatchedPage;
  const calls: string[] = [];

  /** Follows a link to a view in the one page, waits until it and the parts that fill in later have drawn; answers how long that took. */
  async function drawn(hash: string): Promise<number> {
    const { page } = watched;
    calls.length = 0;
    const started = performance.now();
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.waitForSelector(`#view > [data-view="${hash.slice(2).split('?')[0]}"][data-ready]`, { timeout: 2 * RENDER_MS });
    await page.waitForFunction('[...document.querySelectorAll("#compare, #power-outages")].every((e) => e.dataset.ready)', undefined, { timeout: 2 * RENDER_MS });
    const ms = performance.now() - started;
    expect(await page.getAttribute('#view > [data-ready]', 'data-ready'), `${hash}: ${await page.textContent('#view')}`).toBe('true');
    return ms;
  }

  /** Each call made again from here, timed on its own. */
  async function timed(paths: readonly string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const path of paths) {
      const started = performance.now();
      const res = await fetch(`${c.httpUrl}${path}`);
      await res.arrayBuffer();
      expect(res.status, path).toBe(200);
      out[path] = performance.now() - started;
    }
    return out;
  }

  beforeAll(async () => {
    c = await startTestCollector(dir.path, { ingest: { tickIntervalMs: 10_000 } });
    writeMillion(c, Date.now());
    browser = await launchChromium();
    watched = await openPage(browser, 1280);
    watched.page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/')) calls.push(`${u.pathname}${u.search}`);
    });
    await watched.page.goto(`${c.httpUrl}/#/agents`);
    await watched.page.waitForSelector('#view > [data-ready]', { timeout: 2 * RENDER_MS });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await c?.close();
    dir.cleanup();
  });

  it('holds a million journey records', () => {
    expect(TEMPLATES * (1 + COPIES)).toBe(1_000_000);
    expect((c.store as SqliteStore).db.prepare('SELECT count(*) FROM journeys').pluck().get()).toBe(1_000_000);
  });

  const text = (selector: string) => watched.page.textContent(selector);
  const count = (selector: string) => watched.page.locator(selector).count();
  const VIEWS: [string, string, () => Promise<void>][] = [
    ['#/overview?range=week', 'journeys in the week', async () => expect(Number(await text('[data-tile=journeys] b'))).toBeGreaterThan(5000)],
    ['#/rsvp?key=4.1.1', 'the month per SRV and one SRV by day', async () => expect(await count('#daily .uplot')).toBe(3)],
    ['#/time?days=30', 'time per part per SRV', async () => expect(await count('#split tbody tr')).toBe(6)],
    ['#/availability?days=30', 'each region and the outage clusters', async () => expect(await count('.panel[data-region]')).toBe(3)],
    ['#/devices?days=1&by=firmwareVersion&figure=hanUs&a=FW-1.0&b=FW-2.0', 'the spread and a day\'s comparison', async () => expect(await text('#verdict')).toMatch(/FW-2\.0 is [\d.]+ ms slower than FW-1\.0/)],
    ['#/journeys?limit=1000', 'the newest thousand journeys', async () => expect(await count('#journey-table tbody tr.pick')).toBe(1000)],
    ['#/journeys?srv=6.2.1&outcome=failure&region=SOUTH', 'a filtered list', async () => expect(await count('#journey-table tbody tr.pick')).toBeGreaterThan(0)],
    ['#/alerts', 'the month\'s alert analytics', async () => expect(await count('#failure-links table')).toBe(1)],
    ['#/inventory?party=90-B3-D5-1F-30-01-00-00', 'a party\'s estate', async () => expect(Number(await text('[data-tile=devices] b'))).toBeGreaterThan(1000)],
    ['#/agents', 'the agents', async () => expect(await count('#agents table')).toBe(1)],
  ];

  for (const [hash, what, check] of VIEWS) {
    it(`${hash} draws ${what} within ${RENDER_MS / 1000} s, and each API call it makes answers within ${ROUTE_MS / 1000} s`, async () => {
      const ms = await drawn(hash);
      await check();
      expect(watched.errors).toEqual([]);
      expect(ms, hash).toBeLessThan(RENDER_MS);
      expect(calls.length).toBeGreaterThan(0);
      for (const [path, took] of Object.entries(await timed([...calls]))) expect(took, path).toBeLessThan(ROUTE_MS);
    }, 60_000);
  }
});
