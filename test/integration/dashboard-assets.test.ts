// The dashboard's files as the collector serves them: the page and every file it names, uPlot
// from node_modules, and nothing outside the fixed table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the dashboard files', () => {
  const dir = tempDir();
  let c: Collector;
  const get = (url: string) => c.http.inject({ method: 'GET', url });
  beforeAll(async () => {
    c = await startTestCollector(dir.path);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('serves the page and every file it and its modules import, all from the collector', async () => {
    const page = await get('/');
    const seen = new Set<string>();
    const queue = [...page.body.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((m) => m[1]!);
    while (queue.length > 0) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/(javascript|css)/);
      for (const m of res.body.matchAll(/from '\.\/([a-z0-9.-]+\.js)'/g)) queue.push(`/dashboard/${m[1]!}`);
    }
    expect(seen).toContain('/dashboard/app.js');
    expect(seen).toContain('/dashboard/uplot.esm.js');
    expect(seen).toContain('/dashboard/uplot.min.css');
    expect(seen).toContain('/dashboard/view-journeys.js');
  });

  it('answers 404 for a file not in the table, the page itself included, and 400 for a name that could leave the folder', async () => {
    expect((await get('/dashboard/secret.js')).statusCode).toBe(404);
    expect((await get('/dashboard/index.html')).statusCode).toBe(404);
    expect((await get('/dashboard/..%2Fconfig.ts')).statusCode).toBe(400);
    expect((await get('/dashboard/.env')).statusCode).toBe(404);
  });
});
