// A loopback OTLP/HTTP traces receiver for tests. It decodes each request with protobufjs from
// the vendored .proto files (not the collector's generated encoder), keeps the spans, and
// answers with the statuses it is told to, in order (then 200).
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'proto');

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  /** Nanoseconds since the Unix epoch. */
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: readonly { readonly name: string; readonly timeNs: bigint; readonly attributes: Readonly<Record<string, unknown>> }[];
  readonly status: { readonly code: string; readonly message: string };
}

export interface OtlpReceiver {
  readonly url: string;
  /** Each request answered, in order: its status and the spans it carried. */
  readonly requests: { readonly status: number; readonly contentType: string; readonly spans: readonly ReceivedSpan[] }[];
  /** Spans of every request answered 2xx. */
  accepted(): ReceivedSpan[];
  close(): Promise<void>;
}

function loadRequestType(): protobuf.Type {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_DIR, target);
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  return root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
}

interface Plain { [k: string]: unknown }
const hex = (b: unknown) => Buffer.from((b as Uint8Array | undefined) ?? []).toString('hex');

function anyValue(v: Plain | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return ((v.arrayValue as Plain).values as Plain[] ?? []).map(anyValue);
  return undefined;
}

function attributeMap(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of (list as Plain[] | undefined) ?? []) out[kv.key as string] = anyValue(kv.value as Plain);
  return out;
}

function spansOf(type: protobuf.Type, body: Buffer): ReceivedSpan[] {
  const message = type.toObject(type.decode(body), { longs: String, enums: String, defaults: true });
  const spans: ReceivedSpan[] = [];
  for (const rs of message.resourceSpans as Plain[]) {
    for (const ss of rs.scopeSpans as Plain[]) {
      for (const s of ss.spans as Plain[]) {
        spans.push({
          traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId), name: s.name as string,
          startNs: BigInt(s.startTimeUnixNano as string), endNs: BigInt(s.endTimeUnixNano as string),
          attributes: attributeMap(s.attributes),
          events: (s.events as Plain[]).map((e) => ({ name: e.name as string, timeNs: BigInt(e.timeUnixNano as string), attributes: attributeMap(e.attributes) })),
          status: { code: (s.status as Plain | undefined)?.code as string ?? '', message: (s.status as Plain | undefined)?.message as string ?? '' },
        });
      }
    }
  }
  return spans;
}

export async function startOtlpReceiver(statuses: number[] = []): Promise<OtlpReceiver> {
  const type = loadRequestType();
  const requests: OtlpReceiver['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      requests.push({ status, contentType: req.headers['content-type'] ?? '', spans: spansOf(type, Buffer.concat(chunks)) });
      res.writeHead(status, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests,
    accepted: () => requests.filter((r) => r.status >= 200 && r.status < 300).flatMap((r) => r.spans),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
