// Every route a fastify server has, read from its own route table (printRoutes), so tests
// that walk "every route" also walk the ones added later.
import type { FastifyInstance } from 'fastify';

export interface RouteRef {
  readonly method: string;
  readonly url: string;
}

export function routeTable(app: FastifyInstance): RouteRef[] {
  const routes: RouteRef[] = [];
  const path: string[] = [];
  // Split at common prefixes: the compact form (commonPrefix: false) drops the prefix of a
  // wildcard route such as /docs/static/* (swagger-ui's files).
  for (const line of app.printRoutes({ commonPrefix: true }).split('\n')) {
    // "│   ├── api/v1/journeys (GET, HEAD)": four characters of tree per level, then the segment and its methods.
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    path.length = depth;
    path[depth] = m[2]!;
    for (const method of m[3]?.split(', ') ?? []) routes.push({ method, url: path.join('') });
  }
  return routes;
}
