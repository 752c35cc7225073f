// The collector's HTTP API (fastify). Every route declares a JSON schema; a bad query
// parameter gets a 400 that names the parameter and says why.
import Fastify, { type FastifyInstance } from 'fastify';
import type client from 'prom-client';
import { HopwatchError } from '../../common/error-codes.js';
import type { Logger } from '../../common/logger.js';
import type { Alerting } from '../alerting/alerting.js';
import type { Clock } from '../../common/clock.js';
import type { TokenAuthority } from '../auth/principal.js';
import type { BrokerLink } from '../broker/broker-link.js';
import type { ClockRegistry } from '../clock/clock-registry.js';
import type { Ingest } from '../ingest/ingest.js';
import type { Joiner } from '../join/joiner.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { ClusterState } from '../cluster/cluster-state.js';
import type { MetricReader } from '../metrics/engine.js';
import type { Store } from '../store/store.js';
import type { HttpsOptions } from './https-options.js';
import { installAccessControl } from './access-control.js';
import { alertingRoutes } from './routes/alerting.js';
import { clusterRoutes } from './routes/cluster.js';
import { compareRoutes } from './routes/compare.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { installOpenApi } from './openapi.js';
import { journeyRoutes } from './routes/journeys.js';
import { metricRoutes } from './routes/metric-routes.js';
import { powerOutageRoutes } from './routes/power-outages.js';
import { alertReportRoutes } from './routes/alert-report.js';
import { processCheckRoutes } from './routes/process-checks.js';
import { throughputRoutes } from './routes/throughput.js';
import { validationMessage } from './validation-message.js';
import { installSecurityHeaders } from './security-headers.js';

/** API tokens and what browsers may do (README "Security"). */
export interface HttpAuth {
  readonly tokens: TokenAuthority;
  readonly corsOrigins: readonly string[];
  readonly authFailuresPerMinute: number;
}

export interface HttpDeps {
  readonly store: Store;
  readonly catalogue: Catalogue;
  readonly ingest: Ingest;
  readonly joiner: Joiner;
  readonly broker: () => BrokerLink | undefined;
  readonly metrics: client.Registry;
  /** The metric engine's read side (RSVP, indicators, availability …). */
  readonly metricEngine: MetricReader;
  readonly clocks: ClockRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Serve HTTPS (collector/http/https-options.ts); absent: plain HTTP. */
  readonly https?: HttpsOptions;
  readonly auth: HttpAuth;
  /** Alert rules and their states (absent: the alerting routes answer no rules). */
  readonly alerting?: Alerting;
  /** The members and leases of the partitioned collectors (absent: GET /api/v1/cluster answers 404). */
  readonly cluster?: () => ClusterState;
}

export function createHttpServer(deps: HttpDeps): FastifyInstance {
  // removeAdditional off: a misspelled parameter is refused (400) instead of silently ignored;
  // verbose: the error carries its schema, so the answer can list the parameters that exist.
  const app = Fastify({ logger: false, ajv: { customOptions: { allErrors: false, removeAdditional: false, verbose: true } }, ...(deps.https && { https: deps.https }) }) as FastifyInstance;

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof HopwatchError && err.code === 'HW_COLLECTOR_BAD_QUERY') return reply.code(400).send({ error: err.code, message: err.message });
    const e = err as { validation?: Parameters<typeof validationMessage>[0]; validationContext?: string; statusCode?: number; message: string };
    if (e.validation) return reply.code(400).send({ error: 'HW_COLLECTOR_BAD_QUERY', message: validationMessage(e.validation, e.validationContext, e.message) });
    if (e.statusCode !== undefined && e.statusCode < 500) return reply.code(e.statusCode).send({ error: 'HW_COLLECTOR_BAD_QUERY', message: e.message });
    deps.logger.error({ component: 'http', err: e.message }, 'request failed');
    return reply.code(500).send({ error: 'HW_COLLECTOR_INTERNAL', message: 'internal error; see the collector log' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'HW_COLLECTOR_NOT_FOUND', message: `no route ${req.method} ${req.url}` }));
  installSecurityHeaders(app, { corsOrigins: deps.auth.corsOrigins });
  installAccessControl(app, { tokens: deps.auth.tokens, authFailuresPerMinute: deps.auth.authFailuresPerMinute, metrics: deps.metrics, logger: deps.logger });
  installOpenApi(app);
  // In a plugin registered after the OpenAPI one, so that it sees every route.
  void app.register(async (api) => apiRoutes(api, deps));
  return app;
}

function apiRoutes(app: FastifyInstance, deps: HttpDeps): void {
  dashboardRoutes(app);
  journeyRoutes(app, deps.store);
  metricRoutes(app, { metrics: deps.metricEngine, nowMs: Date.now });
  compareRoutes(app, { store: deps.store, metrics: deps.metricEngine, nowMs: Date.now });
  powerOutageRoutes(app, { store: deps.store, metrics: deps.metricEngine, nowMs: Date.now });
  alertReportRoutes(app, { store: deps.store, metrics: deps.metricEngine, nowMs: Date.now });
  processCheckRoutes(app, { store: deps.store, metrics: deps.metricEngine, nowMs: Date.now });
  alertingRoutes(app, deps.alerting);
  clusterRoutes(app, deps.cluster);
  throughputRoutes(app, { store: deps.store, metrics: deps.metricEngine, nowMs: Date.now });

  app.get('/api/v1/agents', {
    schema: {
      response: {
        200: {
          type: 'object',
          properties: {
            agents: {
              type: 'array',
              items: { type: 'object', properties: { agentId: { type: 'string' }, updatedAt: { type: 'string' }, status: { type: 'object', additionalProperties: true } } },
            },
          },
        },
      },
    },
  }, async () => ({
    agents: deps.store.agentStatuses().map((a) => ({ agentId: a.agentId, updatedAt: new Date(a.updatedAtMs).toISOString(), status: a.status })),
  }));

  app.get('/api/v1/clocks', {
    schema: {
      response: {
        200: {
          type: 'object',
          properties: {
            clocks: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  agentId: { type: 'string' }, offsetUs: { type: 'number', description: 'collector clock minus agent clock, now' },
                  driftPpm: { type: 'number', description: 'how fast the agent clock runs, parts per million, as measured' },
                  appliedDriftPpm: { type: 'number', description: 'the drift applied to its times: the measured one shrunk in proportion to its uncertainty' },
                  driftUncertaintyPpm: { type: 'number', description: 'bound on the error of the applied drift' },
                  driftBeyondLimit: { type: 'boolean', description: 'measured drift beyond 1,000 ppm: bounds widened to cover it' },
                  uncertaintyUs: { type: ['number', 'null'] }, exchanges: { type: 'integer' }, steps: { type: 'integer' }, rejected: { type: 'integer' },
                },
              },
            },
          },
        },
      },
    },
  }, async () => {
    const now = deps.clock.nowUs();
    // The agent's time now is the collector's minus the current offset (the offset changes slowly).
    return { clocks: deps.clocks.summaries((agentId) => 2 * now - deps.clocks.map(agentId, now).us) };
  });

  app.get('/healthz', {
    schema: {
      response: {
        200: { type: 'object', properties: { ok: { type: 'boolean' }, broker: { type: 'boolean' }, openJourneys: { type: 'integer' }, queuedBatches: { type: 'integer' } } },
        503: { type: 'object', properties: { ok: { type: 'boolean' }, broker: { type: 'boolean' }, openJourneys: { type: 'integer' }, queuedBatches: { type: 'integer' } } },
      },
    },
  }, async (_req, reply) => {
    const broker = deps.broker()?.connected() ?? false;
    const body = { ok: broker, broker, openJourneys: deps.joiner.openCount, queuedBatches: deps.ingest.queued };
    return reply.code(broker ? 200 : 503).send(body);
  });

  app.get('/metrics', { schema: { response: { 200: { content: { 'text/plain': { schema: { type: 'string' } } } } } } }, async (_req, reply) => {
    reply.header('content-type', deps.metrics.contentType);
    return deps.metrics.metrics();
  });
}
