// Raw MQTT 3.1.1 packets for tests that talk to the broker below any client library:
// malformed input, oversized packets, packets a well-behaved client would never send.
import { createConnection, type Socket } from 'node:net';

/** MQTT 3.1.1 §2.2.3: 7 bits per byte, low bits first, continuation in the top bit. */
export function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return Buffer.from(bytes);
}

const str = (s: string | Buffer) => {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
};

const packet = (firstByte: number, body: Buffer) => Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body]);

export function connectPacket(o: { clientId: string; username?: string; password?: string | Buffer; keepalive?: number }): Buffer {
  const flags = 0x02 | (o.username !== undefined ? 0x80 : 0) | (o.password !== undefined ? 0x40 : 0);
  const keepalive = Buffer.alloc(2);
  keepalive.writeUInt16BE(o.keepalive ?? 30);
  return packet(0x10, Buffer.concat([
    str('MQTT'), Buffer.from([4, flags]), keepalive, str(o.clientId),
    ...(o.username !== undefined ? [str(o.username)] : []),
    ...(o.password !== undefined ? [str(o.password)] : []),
  ]));
}

export function publishPacket(o: { topic: string; payload: Buffer; qos?: 0 | 1; messageId?: number; retain?: boolean }): Buffer {
  const qos = o.qos ?? 0;
  const id = Buffer.alloc(qos > 0 ? 2 : 0);
  if (qos > 0) id.writeUInt16BE(o.messageId ?? 1);
  return packet(0x30 | (qos << 1) | (o.retain ? 1 : 0), Buffer.concat([str(o.topic), id, o.payload]));
}

export function subscribePacket(messageId: number, topics: readonly string[]): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(messageId);
  return packet(0x82, Buffer.concat([id, ...topics.map((t) => Buffer.concat([str(t), Buffer.from([1])]))]));
}

/** A connected socket to 127.0.0.1:port. Errors after connecting (the broker cutting it off) are expected and ignored; see closedWithin. */
export function rawSocket(url: string): Promise<Socket> {
  const port = Number(new URL(url).port);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves true when the socket closes within `ms`, false otherwise. */
export function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  // Reads (and drops) what the broker sends: a socket that is never read never sees the end.
  socket.resume();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => { clearTimeout(timer); resolve(true); });
  });
}
