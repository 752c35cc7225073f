// A webhook receiver on loopback for alerting tests: records each POSTed JSON body; answers
// 200, a chosen status, or never (to stand for a receiver that hangs).
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface WebhookReceiver {
  readonly url: string;
  readonly bodies: unknown[];
  /** 'ok': 200; a number: that status; 'hang': no answer until close. */
  mode: 'ok' | 'hang' | number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const sockets = new Set<Socket>();
  const receiver = { bodies: [] as unknown[], mode: 'ok' as WebhookReceiver['mode'] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      if (receiver.mode === 'hang') return;
      res.writeHead(receiver.mode === 'ok' ? 200 : receiver.mode).end();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/alerts`,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  });
}
