// Loopback endpoints through which rigs in other languages stamp: UDP (one JSON hop per
// datagram, or several separated by newlines) and HTTP (POST /hops, NDJSON). The HTTP
// server also answers GET /status. A bad line is counted and skipped; its neighbours are kept.
//
// POST /hops answers 200 only once the request's good hops are committed to the SQLite buffer
// (a group commit shared by the requests of one event-loop turn), and 503 when none of them
// could be written (disk full): the rig may send the request again without doubling a hop.
// UDP has no answer: its hops wait in memory for the next flush, like stamp()'s.
import { createSocket, type Socket } from 'node:dgram';
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../common/logger.js';
import type { Agent } from './agent.js';
import { AgentError } from './errors.js';
import { parseJsonHop } from './hop-json.js';

export interface IntakeCounters {
  readonly accepted: number;
  readonly rejected: number;
  /** Good hops of HTTP requests answered 503 because the buffer could not store them. */
  readonly unstored: number;
  /** POST /hops requests refused for a missing or wrong bearer token. */
  readonly unauthorized: number;
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
  /** When set, POST /hops needs `Authorization: Bearer <token>` (UDP cannot carry it: keep UDP on loopback). */
  readonly token: string;
  readonly logger: Logger;
}

export async function startIntake(agent: Agent, options: IntakeOptions): Promise<Intake> {
  const log = options.logger.child({ component: 'intake' });
  let accepted = 0;
  let rejected = 0;
  let unstored = 0;
  let unauthorized = 0;
  const expected = options.token === '' ? undefined : Buffer.from(`Bearer ${options.token}`);
  const authorized = (header: string | undefined) => {
    if (!expected) return true;
    const given = Buffer.from(header ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
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
    // The body is NDJSON whatever the request calls it: `curl --data-binary` says
    // application/x-www-form-urlencoded, other clients say nothing or text/plain.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    const counts = {
      accepted: { type: 'integer' }, rejected: { type: 'integer' }, problems: { type: 'array', items: { type: 'string' } },
    };
    app.post('/hops', {
      schema: {
        response: {
          200: { type: 'object', additionalProperties: false, required: ['accepted', 'rejected', 'problems'], properties: counts },
          401: { type: 'object', additionalProperties: false, required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
          503: {
            type: 'object', additionalProperties: false, required: ['code', 'message', 'accepted', 'rejected', 'problems'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, ...counts },
          },
        },
      },
    }, async (req, reply) => {
      if (!authorized(req.headers.authorization)) {
        unauthorized++;
        return reply.code(401).send({ code: AgentError.HW_AGENT_INTAKE_UNAUTHORIZED.code, message: 'POST /hops needs Authorization: Bearer <intake token>' });
      }
      const body = typeof req.body === 'string' ? req.body : '';
      const { value: result, stored } = await agent.durably(() => take(body));
      const answer = { accepted: result.accepted, rejected: result.problems.length, problems: result.problems.slice(0, 10) };
      if (stored) return answer;
      unstored += result.accepted;
      return reply.code(503).send({
        code: AgentError.HW_AGENT_BUFFER_WRITE.code,
        message: 'the hops could not be written to the buffer and were not kept; send them again',
        ...answer,
      });
    });
    app.get('/status', async () => ({ ...agent.status(), intake: { accepted, rejected, unstored, unauthorized, lastProblem } }));
    app.get('/healthz', async () => ({ ok: true }));
    await app.listen({ host: options.host, port: options.httpPort });
    httpPort = (app.server.address() as { port: number }).port;
  }

  return {
    udpPort,
    httpPort,
    counters: () => ({ accepted, rejected, unstored, unauthorized, ...(lastProblem ? { lastProblem } : {}) }),
    async close() {
      await new Promise<void>((resolve) => (udp ? udp.close(() => resolve()) : resolve()));
      await http?.close();
    },
  };
}
