// http.tls as fastify's `https` option: HTTPS only when a certificate is configured, and with a
// CA file every client must present a certificate that CA signed (mutual TLS).
import { readServerTlsFiles, type TlsFileNames, type TlsMaterial } from '../../common/tls-files.js';
import { CollectorError } from '../errors.js';

export interface HttpsOptions extends TlsMaterial {
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
}

const labels = {
  certFile: { option: 'http.tls.certFile', flag: 'http-tls-cert' },
  keyFile: { option: 'http.tls.keyFile', flag: 'http-tls-key' },
  caFile: { option: 'http.tls.caFile', flag: 'http-tls-ca' },
} as const;

/** undefined: plain HTTP. Reads the files now; a bad one is HW_COLLECTOR_CONFIG naming it and its flag. */
export function httpsOptions(tls: TlsFileNames): HttpsOptions | undefined {
  const material = readServerTlsFiles(tls, labels, CollectorError.HW_COLLECTOR_CONFIG.code);
  if (!material) return undefined;
  const mutual = material.ca !== undefined;
  return { ...material, requestCert: mutual, rejectUnauthorized: mutual };
}
