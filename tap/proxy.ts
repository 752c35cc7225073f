// One forwarding leg of the tap: a reverse proxy that streams each exchange through unchanged
// (bodies byte for byte, end-to-end headers as received; only the hop-by-hop headers of each
// connection and Host are the proxy's own) and lets an observer read the start of each message
// as it passes. Nothing is buffered beyond what the header scan holds, and an observer that
// fails or is slow to learn anything never holds up or changes the traffic.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Writable } from 'node:stream';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { TlsMaterial } from '../common/tls-files.js';
import { createHeaderScanner, type HeaderScan, type HeaderScanner } from './duis-header.js';
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
/** The lengths of those names: a header of any other length is end-to-end without lower-casing its name. */
const HOP_BY_HOP_LENGTHS = new Set([...HOP_BY_HOP].map((n) => n.length));
const CONTENT_LENGTH = 'content-length';

/** A message's end-to-end headers, flat as node:http takes them, and its declared length (-1: none). */
interface EndToEnd {
  readonly headers: string[];
  readonly contentLength: number;
}

/**
 * The end-to-end headers of `raw` (name, value, name, value …), with `host` added when given: one
 * array per message, repeated headers kept as they came. The declared length is read here too, so
 * that node:http need not build the message's `headers` object for it.
 */
function endToEnd(raw: readonly string[], host?: string): EndToEnd {
  let named: Set<string> | undefined;
  let contentLength = -1;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 10 && name.toLowerCase() === 'connection') {
      for (const n of raw[i + 1]!.split(',')) (named ??= new Set()).add(n.trim().toLowerCase());
    } else if (contentLength < 0 && name.length === CONTENT_LENGTH.length && name.toLowerCase() === CONTENT_LENGTH) {
      contentLength = Number(raw[i + 1]);
    }
  }
  const headers: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (named === undefined && !HOP_BY_HOP_LENGTHS.has(name.length)) {
      headers.push(name, raw[i + 1]!);
      continue;
    }
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && !named?.has(lower)) headers.push(name, raw[i + 1]!);
  }
  if (host !== undefined) headers.push('Host', host);
  return { headers, contentLength };
}

/**
 * Runs jobs after the current turn's writes have left: node:http corks a socket for the turn and
 * flushes it on the next tick, so a header scan and stamp done at once would hold the exchange's
 * bytes back by their own time. Jobs run in order, once per turn (setImmediate).
 */
function createDeferred(): (job: () => void) => void {
  let jobs: (() => void)[] = [];
  let scheduled = false;
  const run = () => {
    scheduled = false;
    const batch = jobs;
    jobs = [];
    for (const job of batch) job();
  };
  return (job) => {
    jobs.push(job);
    if (!scheduled) {
      scheduled = true;
      setImmediate(run);
    }
  };
}

/**
 * Streams `from` into `to` (with backpressure) and shows each chunk to the header scan after it
 * is sent. When the message declares its length, the last chunk goes with `end()`, so a message
 * that arrives in one chunk leaves in one write rather than a write and an end on later turns.
 */
function forward(from: IncomingMessage, to: Writable, declaredLength: number, scan: ((chunk: Buffer | undefined) => void) | undefined): void {
  let remaining = declaredLength;
  let ended = false;
  const resume = () => from.resume();
  from.on('data', (chunk: Buffer) => {
    remaining -= chunk.length;
    if (remaining === 0) {
      ended = true;
      to.end(chunk);
    } else if (!to.write(chunk)) {
      from.pause();
      to.once('drain', resume);
    }
    scan?.(chunk);
  });
  from.on('end', () => {
    if (!ended) to.end();
    scan?.(undefined);
  });
}

/** Feeds a message's chunks (undefined: its end) to a header scanner until the outcome is known, then calls `done` once. */
function headerScan(maxBytes: number, defer: (job: () => void) => void, done: (scan: HeaderScan) => void): (chunk: Buffer | undefined) => void {
  let scanner: HeaderScanner | undefined;
  let finished = false;
  const step = (chunk: Buffer | undefined) => {
    if (finished) return;
    scanner ??= createHeaderScanner(maxBytes);
    const scan = chunk === undefined ? scanner.end() : scanner.write(chunk);
    if (scan) {
      finished = true;
      done(scan);
    }
  };
  return (chunk) => {
    if (!finished) defer(() => step(chunk));
  };
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
  const defer = createDeferred();

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

  const onRequest = observer.request?.bind(observer);
  const onResponse = observer.response?.bind(observer);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const arrivedUs = clock.nowUs();
    counters.exchanges++;
    counters.inFlight++;
    let requestScan: HeaderScan | undefined;
    let timedOut = false;
    const sent = endToEnd(req.rawHeaders, target.host);
    const upstream = transport.request({
      protocol: target.protocol, hostname: target.hostname, port: target.port, agent,
      method: req.method, path: basePath + (req.url ?? '/'), headers: sent.headers,
    });
    upstream.setTimeout(options.timeoutMs, () => {
      timedOut = true;
      upstream.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    });
    upstream.on('response', (answer) => {
      const answeredUs = clock.nowUs();
      const back = endToEnd(answer.rawHeaders);
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, back.headers);
      forward(answer, res, back.contentLength, onResponse && headerScan(maxHeaderBytes, defer, (scan) => observe(() => onResponse(scan, answeredUs, requestScan))));
      // A target that drops the connection mid-answer: the sender must see the break, not a short message that looks whole.
      answer.on('close', () => {
        if (!answer.complete) {
          counters.upstreamFailures++;
          res.destroy();
        }
      });
    });
    upstream.on('error', (err) => fail(res, timedOut ? 504 : 502, err));
    forward(req, upstream, sent.contentLength, headerScan(maxHeaderBytes, defer, (scan) => {
      requestScan = scan;
      if (onRequest) observe(() => onRequest(scan, arrivedUs));
    }));
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
