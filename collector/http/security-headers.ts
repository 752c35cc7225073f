// Security headers on every response (@fastify/helmet), with a Content-Security-Policy the
// dashboard works under: scripts only from the collector itself, nothing loaded from elsewhere;
// and CORS only for the origins in http.corsOrigins (none by default: browsers on other
// origins then cannot read any answer).
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export interface SecurityHeaderOptions {
  readonly corsOrigins: readonly string[];
}

const CORS_MAX_AGE_SECONDS = 600;

export function installSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  void app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        // The dashboard's ES modules and uPlot, served by collector/http/routes/dashboard.ts; no inline script.
        scriptSrc: ["'self'"],
        // The dashboard and uPlot size and colour their bars and charts with style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    // Served over plain HTTP on loopback by default: HSTS only makes sense behind HTTPS.
    strictTransportSecurity: false,
  });

  if (options.corsOrigins.length === 0) return;
  const allowed = new Set(options.corsOrigins);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return;
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  });
  // Preflights: answered for allowed origins only; others get no CORS headers and the browser refuses.
  app.options('*', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return reply.code(204).send();
    return reply.code(204)
      .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE')
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', String(CORS_MAX_AGE_SECONDS))
      .send();
  });
}
