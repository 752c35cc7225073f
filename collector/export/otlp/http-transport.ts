// Sends one encoded ExportTraceServiceRequest to an OTLP/HTTP endpoint (protobuf body). The
// outcome is a value, not a throw: `retryable` for what the OTLP specification says to retry
// (429, 502, 503, 504, and no answer at all), `failure` for any other refusal.
// https://opentelemetry.io/docs/specs/otlp/#failures-1
import http from 'node:http';
import https from 'node:https';

export type SendOutcome =
  | { readonly status: 'success' }
  | { readonly status: 'retryable'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly status: 'failure'; readonly reason: string };

export interface Transport {
  send(body: Uint8Array): Promise<SendOutcome>;
  close(): void;
}

export interface HttpTransportOptions {
  /** The full URL, e.g. http://127.0.0.1:4318/v1/traces. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Retry-After as delay seconds (the HTTP-date form is taken as no hint). */
function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header) * 1000;
}

export function createHttpTransport(options: HttpTransportOptions): Transport {
  const url = new URL(options.url);
  const client = url.protocol === 'https:' ? https : http;
  // One kept-alive connection serves the exporter's single request in flight.
  const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { ...options.headers, 'content-type': 'application/x-protobuf' };

  return {
    send(body) {
      return new Promise((resolve) => {
        const req = client.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': body.byteLength }, timeout: options.timeoutMs }, (res) => {
          res.resume();
          res.on('end', () => {
            const code = res.statusCode ?? 0;
            if (code >= 200 && code < 300) resolve({ status: 'success' });
            else if (RETRYABLE_STATUS.has(code)) {
              const after = retryAfterMs(res.headers['retry-after']);
              resolve(after === undefined ? { status: 'retryable', reason: `HTTP ${code}` } : { status: 'retryable', reason: `HTTP ${code}`, retryAfterMs: after });
            } else resolve({ status: 'failure', reason: `HTTP ${code}` });
          });
          res.on('error', (err) => resolve({ status: 'retryable', reason: err.message }));
        });
        req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
        req.on('error', (err) => resolve({ status: 'retryable', reason: err.message }));
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
