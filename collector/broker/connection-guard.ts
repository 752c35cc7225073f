// Per-connection bounds of the embedded broker that aedes has no option for:
// - packet size: aedes' parser (mqtt-packet) buffers a whole packet before it looks at it, so a
//   200 MB PUBLISH costs 200 MB. The guard reads each packet's fixed header as the bytes pass
//   (MQTT 3.1.1 §2.2.3, Remaining Length) and closes the connection as soon as a length beyond the
//   bound is announced, before its body is buffered;
//   until the connection is accepted the bound is far lower (MAX_UNACCEPTED_PACKET_BYTES): a
//   CONNECT, with its will, is small, and a stranger must not hold a batch's worth of memory;
// - CONNECT time-out: the connection must be accepted (CONNACK sent) within the time, whatever the
//   client trickles (aedes' own timer stops once a CONNECT arrives, before authentication).
import type { Socket } from 'node:net';
import type { Client } from 'aedes';

export interface ConnectionGuardOptions {
  readonly maxPacketBytes: number;
  readonly connectTimeoutMs: number;
  /** Called once when the guard closes the connection. */
  readonly onRefused: (reason: 'packet-size' | 'connect-timeout', detail: Record<string, unknown>) => void;
}

const enum Phase { Header, Length, Body }

/** Largest packet before the CONNACK: room for a CONNECT with a will far larger than an agent's. */
export const MAX_UNACCEPTED_PACKET_BYTES = 64 * 1024;

/** Starts guarding `socket`; call right after aedes.handle(socket), before any byte is read. */
export function guardConnection(socket: Socket, client: Client, options: ConnectionGuardOptions): void {
  let phase = Phase.Header;
  let length = 0;
  let multiplier = 1;
  let remaining = 0;
  let refused = false;

  const refuse = (reason: 'packet-size' | 'connect-timeout', detail: Record<string, unknown>) => {
    if (refused) return;
    refused = true;
    socket.off('data', scan);
    options.onRefused(reason, detail);
    socket.destroy();
  };

  // With aedes' 'readable' listener in place, 'data' fires for each chunk aedes reads and
  // does not switch the socket to flowing mode.
  const scan = (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (phase === Phase.Header) {
        i++;
        phase = Phase.Length;
        length = 0;
        multiplier = 1;
      } else if (phase === Phase.Length) {
        const byte = chunk[i++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if (byte & 0x80) {
          // A continuation bit on the fourth length byte announces no valid length at all.
          if (multiplier === 128 ** 4) {
            refuse('packet-size', { malformedLength: true, maxPacketBytes: options.maxPacketBytes });
            return;
          }
          continue;
        }
        const bound = client.connected ? options.maxPacketBytes : Math.min(options.maxPacketBytes, MAX_UNACCEPTED_PACKET_BYTES);
        if (length > bound) {
          refuse('packet-size', { announcedBytes: length, maxPacketBytes: bound, accepted: client.connected });
          return;
        }
        remaining = length;
        phase = remaining === 0 ? Phase.Header : Phase.Body;
      } else {
        const skip = Math.min(remaining, chunk.length - i);
        i += skip;
        remaining -= skip;
        if (remaining === 0) phase = Phase.Header;
      }
    }
  };
  socket.on('data', scan);

  const timer = setTimeout(() => {
    if (!client.connected) refuse('connect-timeout', { connectTimeoutMs: options.connectTimeoutMs });
  }, options.connectTimeoutMs);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
    socket.off('data', scan);
  });
}
