// The dashboard's Cluster view in Debian's Chromium: two collectors with --cluster on a real
// PostgreSQL and Mosquitto share eight partitions, and either one shows both members, the
// partitions each holds and none without an owner; a collector without --cluster says it holds
// every partition itself.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { waitFor } from '../../common/wait-for.js';
import { launchChromium, openPage } from '../helpers/browser.js';
import { useMosquitto } from '../helpers/mosquitto-suite.js';
import { useTestPostgres } from '../helpers/postgres.js';
import { startTestCollector } from '../helpers/system.js';

const PARTITIONS = 8;

const postgres = useTestPostgres();
const mqttSuite = useMosquitto();

describe('the Cluster view in a browser', () => {
  const collectors: Collector[] = [];
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    for (const c of collectors.reverse()) await c.close();
  });

  const member = async (id: string, url: string) => {
    const c = await startTestCollector(join(mqttSuite.dir, id), {
      store: { file: url }, broker: { url: mqttSuite.mosquitto.url, clientId: `hopwatch-${id}` }, ingest: { partitions: PARTITIONS },
      cluster: { enabled: true, memberId: id, heartbeatMs: 200, leaseTtlMs: 2000 },
    });
    collectors.push(c);
    return c;
  };

  /** The view as drawn by `c`: the member rows, the heading and the partitions without an owner. */
  const clusterView = async (c: Collector) => {
    const { page, errors } = await openPage(browser, 1280);
    await page.goto(`${c.httpUrl}/#/cluster`);
    await page.waitForSelector('#view > [data-ready=true]', { timeout: 15_000 });
    const rows = await page.$$eval('#cluster tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
    const heading = await page.textContent('#cluster h2');
    const unowned = await page.textContent('#unowned');
    await page.close();
    return { rows, heading, unowned, errors };
  };

  it('shows each member with the partitions it holds, from either member', async () => {
    const url = postgres.freshDatabase();
    const first = await member('alpha', url);
    await waitFor(() => first.partitions.held().length === PARTITIONS, 10_000, 'the first member holding every partition');
    const second = await member('beta', url);
    await waitFor(() => first.partitions.held().length === PARTITIONS / 2 && second.partitions.held().length === PARTITIONS / 2, 15_000, 'the partitions shared out');

    for (const [c, self] of [[first, 'alpha'], [second, 'beta']] as const) {
      const view = await clusterView(c);
      expect(view.errors).toEqual([]);
      expect(view.heading).toBe(`2 of 2 members live · ${PARTITIONS} partitions`);
      expect(view.unowned).toBe('none');
      // member, live, address, partitions, which
      expect(view.rows.map((r) => r.slice(0, 5).filter((_, i) => i !== 2))).toEqual([
        [self === 'alpha' ? 'alpha (this one)' : 'alpha', 'yes', '4', '0–3'],
        [self === 'beta' ? 'beta (this one)' : 'beta', 'yes', '4', '4–7'],
      ]);
    }
  });

  it('says a collector without --cluster holds every partition itself', async () => {
    const alone = await startTestCollector(join(mqttSuite.dir, 'alone'));
    collectors.push(alone);
    const { page, errors } = await openPage(browser, 1280);
    await page.goto(`${alone.httpUrl}/#/cluster`);
    await page.waitForSelector('#view > [data-ready=true]', { timeout: 15_000 });
    expect(await page.textContent('#alone')).toContain('holds every partition itself');
    // The API's answer for a collector outside any cluster is a 404, which the browser logs.
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
    await page.close();
  });
});
