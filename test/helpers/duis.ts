// DUIS on loopback for tap tests: messages in the DUIS schema's shape, a fake DCC User Interface
// (answers each Service Request with a synchronous I99, then delivers the Service Response to
// the User's endpoint) and a fake User endpoint, both recording exactly what they received.
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

const NS = 'xmlns:sr="http://www.dccinterface.co.uk/ServiceUserGateway"';
/** Fixed, so that the same exchange gives the same bytes run after run. */
const AT = '2026-11-28T10:15:00.000Z';

export function duisRequest(key: string, srv: string, payload = ''): string {
  const sr = srv.split('.').slice(0, 2).join('.');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sr:Request ${NS} schemaVersion="5.1"><sr:Header>`
    + `<sr:RequestID>${key}</sr:RequestID><sr:CommandVariant>1</sr:CommandVariant>`
    + `<sr:ServiceReference>${sr}</sr:ServiceReference><sr:ServiceReferenceVariant>${srv}</sr:ServiceReferenceVariant>`
    + `</sr:Header><sr:Body><sr:Payload>${payload}</sr:Payload></sr:Body></sr:Request>\n`;
}

export function duisAcknowledgement(key: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sr:Response ${NS} schemaVersion="5.1"><sr:Header><sr:RequestID>${key}</sr:RequestID>`
    + `<sr:ResponseCode>I99</sr:ResponseCode><sr:ResponseDateTime>${AT}</sr:ResponseDateTime></sr:Header></sr:Response>\n`;
}

export function duisResponse(key: string, code: string, srv: string): string {
  const [user, device, counter] = key.split(':');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sr:Response ${NS} schemaVersion="5.1"><sr:Header><sr:RequestID>${key}</sr:RequestID>`
    + `<sr:ResponseID>${device}:${user}:${counter}</sr:ResponseID><sr:ResponseCode>${code}</sr:ResponseCode>`
    + `<sr:ResponseDateTime>${AT}</sr:ResponseDateTime></sr:Header><sr:Body><sr:ResponseMessage>`
    + `<sr:ServiceReference>${srv.split('.').slice(0, 2).join('.')}</sr:ServiceReference><sr:ServiceReferenceVariant>${srv}</sr:ServiceReferenceVariant>`
    + `<sr:GBCSPayload>3QAAAAAAAFURAAAAAN8JAgAAAYKse1oH</sr:GBCSPayload></sr:ResponseMessage></sr:Body></sr:Response>\n`;
}

export function duisDeviceAlert(responseId: string, alertCode: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sr:Response ${NS} schemaVersion="5.1"><sr:Header><sr:ResponseID>${responseId}</sr:ResponseID>`
    + `<sr:ResponseCode>I0</sr:ResponseCode><sr:ResponseDateTime>${AT}</sr:ResponseDateTime></sr:Header>`
    + `<sr:Body><sr:DeviceAlertMessage><sr:AlertCode>${alertCode}</sr:AlertCode><sr:GBCSPayload>6AAAAAAA</sr:GBCSPayload></sr:DeviceAlertMessage></sr:Body></sr:Response>\n`;
}

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** POSTs `body` and collects the whole answer; `ca` is the CA to trust for an https:// url. */
export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, ca?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { method: 'POST', headers: { 'content-type': 'application/xml', ...headers }, ...(ca ? { ca } : {}) };
    const req = (url.startsWith('https:') ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Listening {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

async function listen(handler: (got: Received, res: http.ServerResponse) => void): Promise<Listening> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = { method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      received.push(got);
      handler(got, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** The User's own endpoint: takes every delivery with 200 and a short body. */
export function startFakeUserEndpoint(): Promise<Listening> {
  return listen((_got, res) => res.writeHead(200, { 'content-type': 'text/plain', 'x-user-endpoint': 'yes' }).end('received\n'));
}

export interface FakeDcc extends Listening {
  /** Deliveries the DCC made to the User's endpoint, and their answers. */
  readonly delivered: Answer[];
  /** Resolves once every delivery started so far has been answered. */
  settled(): Promise<void>;
}

/**
 * The DCC User Interface: answers a Service Request with I99 after `ackDelayMs`, then after
 * `responseDelayMs` POSTs the Service Response (its code from `codeOf(srv)`) to `deliverTo()`.
 * Anything without a RequestID gets 400 and no delivery.
 */
export async function startFakeDcc(options: { deliverTo: () => string; ackDelayMs: number; responseDelayMs: number; codeOf: (srv: string) => string }): Promise<FakeDcc> {
  const delivered: Answer[] = [];
  const pending: Promise<unknown>[] = [];
  const listening = await listen((got, res) => {
    const text = got.body.toString('utf8');
    const key = /<(?:\w+:)?RequestID>([^<]+)</.exec(text)?.[1];
    const srv = /<(?:\w+:)?ServiceReferenceVariant>([^<]+)</.exec(text)?.[1];
    if (!key || !srv) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('not a DUIS Service Request\n');
      return;
    }
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/xml', 'x-dcc': 'ack' }).end(duisAcknowledgement(key)), options.ackDelayMs);
    pending.push(new Promise((resolve) => setTimeout(resolve, options.responseDelayMs))
      .then(() => post(`${options.deliverTo()}/services/response`, duisResponse(key, options.codeOf(srv), srv)))
      .then((answer) => delivered.push(answer)));
  });
  return { ...listening, delivered, settled: async () => { await Promise.all(pending); } };
}
