// The embedded broker's socket server: plain TCP, or TLS only when a certificate is
// configured (a TLS port never accepts plain MQTT, so a misconfigured agent cannot fall back
// to sending credentials in clear). With a CA file, every client must present a certificate
// that CA signed (mutual TLS); verifiedPeerNames tells an authenticate hook who it is.
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import { readServerTlsFiles, type TlsFileNames } from '../../common/tls-files.js';
import { CollectorError } from '../errors.js';

export interface BrokerListener {
  readonly server: Server;
  readonly scheme: 'mqtt' | 'mqtts';
  /** Client certificates are required and verified against the CA file. */
  readonly mutual: boolean;
}

/** Where broker.tls's files come from, for messages (the external broker's client reads them too). */
export const brokerTlsLabels = {
  certFile: { option: 'broker.tls.certFile', flag: 'broker-tls-cert' },
  keyFile: { option: 'broker.tls.keyFile', flag: 'broker-tls-key' },
  caFile: { option: 'broker.tls.caFile', flag: 'broker-tls-ca' },
} as const;

/** Reads the TLS files now (a bad file is HW_COLLECTOR_CONFIG naming it and its flag); `handle` gets each connection. */
export function createBrokerListener(tls: TlsFileNames | undefined, handle: (socket: Socket) => void): BrokerListener {
  const material = readServerTlsFiles(tls, brokerTlsLabels, CollectorError.HW_COLLECTOR_CONFIG.code);
  if (!material) return { server: createNetServer(handle), scheme: 'mqtt', mutual: false };
  const mutual = material.ca !== undefined;
  // 'secureConnection' hands over the socket only after the handshake (and the client certificate check) succeeded.
  const server = createTlsServer({ ...material, requestCert: mutual, rejectUnauthorized: mutual, minVersion: 'TLSv1.2' }, handle);
  return { server, scheme: 'mqtts', mutual };
}

/**
 * The names a verified client certificate vouches for: its subject CN, then its SAN DNS and URI
 * names. Empty for a plain TCP connection, a TLS client without a certificate, or one the CA did
 * not verify. An authenticate hook (aedes: `client.conn`) accepts agent X under mutual TLS when
 * `verifiedPeerNames(client.conn).includes(X)`: the certificate whose CN is the agent id.
 */
export function verifiedPeerNames(connection: unknown): readonly string[] {
  if (!(connection instanceof TLSSocket) || !connection.authorized) return [];
  const cert = connection.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return [];
  const names: string[] = [];
  const cn = cert.subject?.CN as string | string[] | undefined;
  if (typeof cn === 'string') names.push(cn);
  else if (Array.isArray(cn)) names.push(...cn);
  names.push(...subjectAltNames(cert.subjectaltname ?? ''));
  return names;
}

// Node writes SANs as "DNS:a, URI:b, IP Address:c" and JSON-quotes a value holding a comma or
// quote, so the text is read entry by entry: a quoted value never splits into false entries.
const SAN_ENTRY = /^([^:]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/;

function subjectAltNames(text: string): string[] {
  const names: string[] = [];
  for (let rest = text; rest.length > 0;) {
    const m = SAN_ENTRY.exec(rest);
    if (!m) break;
    const value = m[2].startsWith('"') ? JSON.parse(m[2]) as string : m[2];
    if (m[1] === 'DNS' || m[1] === 'URI') names.push(value);
    rest = rest.slice(m[0].length);
  }
  return names;
}
