// Loopback endpoints through which rigs in other languages stamp: UDP (one JSON hop per
// datagram, or several separated by newlines) and HTTP (POST /hops, NDJSON). The HTTP
// server also answers GET /status. A bad line is counted and skipped; its neighbours are kept.
import { createSocket, type Socket } from 'node:dgram';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../common/logger.js';
import type { Agent } from './agent.js';
import { parseJsonHop } from './hop-json.js';

export interface IntakeCounters {
  readonly accepted: number;
  readonly rejected: number;
  readonly lastProblem?: string;
}

export interface Intake {
  readonly udpPort?: number;
  readonly httpPort?: number;
  counters(): IntakeCounters;
  close(): Promise<void>;
}

export interface IntakeOptions {
  readonly host: string;
  readonly udpPort: number;
  readonly httpPort: number;
  readonly logger: Logger;
}

export async function startIntake(agent: Agent, options: IntakeOptions): Promise<Intake> {
  const log = options.logger.child({ component: 'intake' });
  let accepted = 0;
  let rejected = 0;
  let lastProblem: string | undefined;

  const take = (text: string): { accepted: number; problems: string[] } => {
    const problems: string[] = [];
    let ok = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const hop = parseJsonHop(line);
      if ('problem' in hop) {
        problems.push(hop.problem);
        continue;
      }
      if (hop.timeUs === undefined) agent.stamp(hop.key, hop.point, hop.context);
      else agent.record(hop.key, hop.point, hop.timeUs, hop.context);
      ok++;
    }
    accepted += ok;
    rejected += problems.length;
    if (problems.length > 0) {
      lastProblem = problems[problems.length - 1];
      log.warn({ code: 'HW_AGENT_BAD_HOP', count: problems.length, example: problems[0] }, 'hops skipped');
    }
    return { accepted: ok, problems };
  };

  let udp: Socket | undefined;
  let udpPort: number | undefined;
  if (options.udpPort !== 0) {
    const socket = createSocket('udp4');
    udp = socket;
    socket.on('message', (msg) => take(msg.toString('utf8')));
    socket.on('error', (err) => log.error({ err: err.message }, 'UDP intake error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.udpPort, options.host, () => { socket.off('error', reject); resolve(); });
    });
    udpPort = socket.address().port;
  }

  let http: FastifyInstance | undefined;
  let httpPort: number | undefined;
  if (options.httpPort !== 0) {
    const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
    http = app;
    for (const type of ['application/x-ndjson', 'application/json', 'text/plain']) {
      app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => done(null, body));
    }
    app.post('/hops', {
      schema: {
        response: {
          200: {
            type: 'object', additionalProperties: false, required: ['accepted', 'rejected', 'problems'],
            properties: { accepted: { type: 'integer' }, rejected: { type: 'integer' }, problems: { type: 'array', items: { type: 'string' } } },
          },
        },
      },
    }, async (req) => {
      const result = take(typeof req.body === 'string' ? req.body : '');
      return { accepted: result.accepted, rejected: result.problems.length, problems: result.problems.slice(0, 10) };
    });
    app.get('/status', async () => ({ ...agent.status(), intake: { accepted, rejected, lastProblem } }));
    app.get('/healthz', async () => ({ ok: true }));
    await app.listen({ host: options.host, port: options.httpPort });
    httpPort = (app.server.address() as { port: number }).port;
  }

  return {
    udpPort,
    httpPort,
    counters: () => ({ accepted, rejected, ...(lastProblem ? { lastProblem } : {}) }),
    async close() {
      await new Promise<void>((resolve) => (udp ? udp.close(() => resolve()) : resolve()));
      await http?.close();
    },
  };
}
