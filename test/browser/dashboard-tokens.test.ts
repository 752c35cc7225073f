// The dashboard in Debian's Chromium against a collector with API tokens: the page asks for a
// token once, keeps it for the browser session, and every call after carries it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { collectorDb, createToken, waitForStatus } from '../helpers/api-tokens.js';
import { launchChromium, openPage } from '../helpers/browser.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the dashboard on a collector with API tokens', () => {
  const dir = tempDir('hopwatch-dashboard-tokens-');
  let c: Collector;
  let browser: Browser;
  let token = '';
  beforeAll(async () => {
    c = await startTestCollector(dir.path);
    token = createToken(collectorDb(dir.path), { scope: 'viewer' }).token;
    await waitForStatus(c, '/api/v1/agents', undefined, (s) => s === 401);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await c?.close();
    dir.cleanup();
  });

  it('asks for a token once, keeps it for the session and draws the next view with it without asking again', async () => {
    const { page, errors } = await openPage(browser, 1280);
    const prompts: string[] = [];
    page.on('dialog', (d) => {
      prompts.push(d.message());
      void d.accept(token);
    });
    await page.goto(`${c.httpUrl}/#/agents`);
    await page.waitForSelector('#view > [data-view=agents][data-ready=true]');
    await page.evaluate('location.hash = "#/journeys"');
    await page.waitForSelector('#view > [data-view=journeys][data-ready=true]');
    expect(prompts).toEqual(['This collector needs an API token (hopwatch tokens create):']);
    expect(await page.evaluate<string | null>('sessionStorage.getItem("hopwatch.apiToken")')).toBe(token);
    // The browser logs each call refused before the token was given; nothing else.
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
