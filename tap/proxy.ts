// One forwarding leg of the tap: a reverse proxy that streams each exchange through unchanged
// (bodies byte for byte, end-to-end headers as received; only the hop-by-hop headers of each
// connection and Host are the proxy's own) and lets an observer read the start of each message
// as it passes. Nothing is buffered beyond what the header scan holds, and an observer that
// fails or is slow to learn anything never holds up or changes the traffic.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { TlsMaterial } from '../common/tls-files.js';
import { createHeaderScanner, type HeaderScan } from './duis-header.js';
import { TapError } from './errors.js';

export interface ExchangeObserver {
  /** The request's header scan, with the time (agent timeline, µs) the request reached the proxy. */
  request?(scan: HeaderScan, arrivedUs: number): void;
  /** The response's header scan, with the time its status line reached the proxy, and the request's scan if it finished. */
  response?(scan: HeaderScan, arrivedUs: number, request: HeaderScan | undefined): void;
}

export interface PassThroughOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly target: string;
  /** The certificate the listener serves; undefined: plain HTTP. */
  readonly serverTls?: TlsMaterial;
  /** CA, and a client certificate, for an https:// target. */
  readonly clientTls: TlsMaterial;
  readonly maxHeaderBytes: number;
  readonly timeoutMs: number;
  readonly maxSockets: number;
  readonly clock: Clock;
  readonly observer: ExchangeObserver;
  readonly logger: Logger;
}

export interface PassThroughCounters {
  readonly exchanges: number;
  readonly inFlight: number;
  /** Exchanges the target could not take (refused, reset, TLS failure: 502 to the sender) or broke off mid-answer (the sender's connection is reset too). */
  readonly upstreamFailures: number;
  /** Exchanges the target did not answer within the time-out: 504. */
  readonly upstreamTimeouts: number;
  /** Exchanges the sender gave up before the answer was through. */
  readonly senderAborts: number;
  /** Observer calls that threw (a bug): the exchange went on regardless. */
  readonly observerErrors: number;
}

export interface PassThrough {
  /** Where the listener answers, e.g. https://127.0.0.1:7700. */
  readonly url: string;
  counters(): PassThroughCounters;
  close(): Promise<void>;
}

const IDLE_CONNECTION_MS = 4000;

// RFC 9110 7.6.1: these describe one connection, not the message; each side of the proxy has its own.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'host']);

function endToEnd(raw: readonly string[]): [string, string][] {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') for (const n of raw[i + 1]!.split(',')) named.add(n.trim().toLowerCase());
  }
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && !named.has(lower)) out.push([raw[i]!, raw[i + 1]!]);
  }
  return out;
}

/** node:http takes repeated request headers as one name with an array of values. */
function requestHeaders(raw: readonly string[], host: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of endToEnd(raw)) {
    const seen = headers[name];
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  headers.Host = host;
  return headers;
}

/** Reads the start of `stream` for its DUIS header while the pipe carries it on; stops listening once known. */
function scanAsItPasses(stream: Readable, maxBytes: number, done: (scan: HeaderScan) => void): void {
  const scanner = createHeaderScanner(maxBytes);
  const finish = (scan: HeaderScan) => {
    stream.off('data', onData);
    stream.off('end', onEnd);
    done(scan);
  };
  const onData = (chunk: Buffer) => {
    const scan = scanner.write(chunk);
    if (scan) finish(scan);
  };
  const onEnd = () => finish(scanner.end());
  stream.on('data', onData);
  stream.on('end', onEnd);
}

export async function startPassThrough(options: PassThroughOptions): Promise<PassThrough> {
  const { clock, observer, maxHeaderBytes } = options;
  const log = options.logger.child({ component: 'tap-proxy', leg: options.name });
  const target = new URL(options.target);
  const secure = target.protocol === 'https:';
  const basePath = target.pathname.replace(/\/$/, '');
  const transport = secure ? https : http;
  // An idle kept-alive connection is dropped before the target's own idle time-out can close it
  // under a request just sent on it (Node and Apache close after 5 s): that race would fail an exchange.
  const pool = { keepAlive: true, maxSockets: options.maxSockets, timeout: IDLE_CONNECTION_MS };
  const agent = secure ? new https.Agent({ ...pool, ...options.clientTls }) : new http.Agent(pool);
  const counters = { exchanges: 0, inFlight: 0, upstreamFailures: 0, upstreamTimeouts: 0, senderAborts: 0, observerErrors: 0 };
  let lastFailureLogMs = 0;

  const observe = (call: () => void) => {
    try {
      call();
    } catch (err) {
      counters.observerErrors++;
      log.error({ err: (err as Error).message }, 'tap observer failed; the exchange goes on');
    }
  };

  const fail = (res: ServerResponse, status: 502 | 504, err: Error) => {
    if (status === 504) counters.upstreamTimeouts++;
    else counters.upstreamFailures++;
    // At most one line every 10 s: a target that is down would otherwise log every exchange.
    const now = Date.now();
    if (now - lastFailureLogMs >= 10_000) {
      lastFailureLogMs = now;
      log.warn({ code: TapError.HW_TAP_UPSTREAM.code, target: target.origin, err: err.message, failures: counters.upstreamFailures, timeouts: counters.upstreamTimeouts }, 'upstream exchange failed');
    }
    if (res.headersSent) res.destroy(err);
    else res.writeHead(status, { 'content-type': 'text/plain' }).end(`${TapError.HW_TAP_UPSTREAM.code}: ${err.message}\n`);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const arrivedUs = clock.nowUs();
    counters.exchanges++;
    counters.inFlight++;
    let requestScan: HeaderScan | undefined;
    let timedOut = false;
    const upstream = transport.request({
      protocol: target.protocol, hostname: target.hostname, port: target.port, agent,
      method: req.method, path: basePath + (req.url ?? '/'), headers: requestHeaders(req.rawHeaders, target.host),
    });
    upstream.setTimeout(options.timeoutMs, () => {
      timedOut = true;
      upstream.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    });
    upstream.on('response', (answer) => {
      const answeredUs = clock.nowUs();
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders).flat());
      answer.pipe(res);
      // A target that drops the connection mid-answer: the sender must see the break, not a short message that looks whole.
      answer.on('close', () => {
        if (!answer.complete) {
          counters.upstreamFailures++;
          res.destroy();
        }
      });
      const onResponse = observer.response?.bind(observer);
      if (onResponse) scanAsItPasses(answer, maxHeaderBytes, (scan) => observe(() => onResponse(scan, answeredUs, requestScan)));
    });
    upstream.on('error', (err) => fail(res, timedOut ? 504 : 502, err));
    req.pipe(upstream);
    const onRequest = observer.request?.bind(observer);
    scanAsItPasses(req, maxHeaderBytes, (scan) => {
      requestScan = scan;
      if (onRequest) observe(() => onRequest(scan, arrivedUs));
    });
    res.on('close', () => {
      counters.inFlight--;
      if (!res.writableFinished) {
        counters.senderAborts++;
        upstream.destroy();
      }
    });
  };

  const server = options.serverTls ? https.createServer({ ...options.serverTls }, handle) : http.createServer(handle);
  server.on('clientError', (err, socket) => {
    log.debug({ err: err.message }, 'malformed HTTP from a sender');
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closed: Promise<void> | undefined;

  return {
    url: `${options.serverTls ? 'https' : 'http'}://${host}:${port}`,
    counters: () => ({ ...counters }),
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return closed;
    },
  };
}
