// GET / and GET /dashboard/:file: the dashboard, a few static files (HTML, CSS, ES modules)
// over the JSON API, and uPlot (its charts) from node_modules. Every file is read once at
// start-up into a fixed table, so a request can only name a file that is in it. The page holds
// no data: with API tokens it asks for one and sends it with every call.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { packageFile } from '../../../common/paths.js';
import { errorSchema } from './schemas.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

interface Asset { readonly type: string; readonly body: string }

let assets: Map<string, Asset> | undefined;

function loadAssets(): Map<string, Asset> {
  const dir = packageFile('collector', 'http', 'dashboard');
  const table = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type !== undefined) table.set(name, { type, body: readFileSync(`${dir}/${name}`, 'utf8') });
  }
  const uplot = createRequire(import.meta.url);
  table.set('uplot.esm.js', { type: TYPES['.js']!, body: readFileSync(uplot.resolve('uplot/dist/uPlot.esm.js'), 'utf8') });
  table.set('uplot.min.css', { type: TYPES['.css']!, body: readFileSync(uplot.resolve('uplot/dist/uPlot.min.css'), 'utf8') });
  return table;
}

export function dashboardRoutes(app: FastifyInstance): void {
  const files = (assets ??= loadAssets());
  const page = files.get('index.html')!;
  app.get('/', { schema: { response: { 200: { content: { 'text/html': { schema: { type: 'string' } } } } } } }, async (_req, reply) => reply.type(page.type).send(page.body));
  app.get<{ Params: { file: string } }>('/dashboard/:file', {
    schema: {
      params: { type: 'object', properties: { file: { type: 'string', pattern: '^[a-z0-9.-]{1,64}$' } } },
      response: { 200: { content: { 'text/javascript': { schema: { type: 'string' } }, 'text/css': { schema: { type: 'string' } } } }, 400: errorSchema, 404: errorSchema },
    },
  }, async (req, reply) => {
    const file = files.get(req.params.file);
    if (file === undefined || req.params.file === 'index.html') return reply.code(404).send({ error: 'HW_COLLECTOR_NOT_FOUND', message: `no dashboard file ${req.params.file}` });
    // The files change only with a new release; a short cache spares reloads without pinning old code.
    return reply.type(file.type).header('cache-control', 'public, max-age=300').send(file.body);
  });
}
