// PEM files named in a configuration, read once at start-up. Every reader of TLS settings
// (embedded broker, HTTPS, the collector's and the agent's MQTT clients) goes through here, so
// a missing file, a key without its certificate or a key that does not match fails the same
// way: a configuration error that names the option, the flag and the file.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { HopwatchError } from './error-codes.js';

/** File names as the configuration holds them; '' = none. */
export interface TlsFileNames {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

/** Where each file name came from, for messages: the option path and its flag. */
export type TlsFileLabels = { readonly [K in keyof TlsFileNames]: { readonly option: string; readonly flag: string } };

/** The files' contents, in the field names that node:tls, fastify's `https` and mqtt.js all take. */
export interface TlsMaterial {
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly ca?: Buffer;
}

export function readTlsFiles(files: TlsFileNames, labels: TlsFileLabels, errorCode: string): TlsMaterial {
  const describe = (k: keyof TlsFileNames) => `${labels[k].option} (--${labels[k].flag})`;
  if (Boolean(files.certFile) !== Boolean(files.keyFile)) {
    const [set, unset] = files.certFile ? (['certFile', 'keyFile'] as const) : (['keyFile', 'certFile'] as const);
    throw new HopwatchError(errorCode, `${describe(set)} is set but ${describe(unset)} is not: a certificate needs its private key`);
  }
  const read = (k: keyof TlsFileNames): Buffer | undefined => {
    if (!files[k]) return undefined;
    try {
      return readFileSync(files[k]);
    } catch (err) {
      throw new HopwatchError(errorCode, `cannot read ${describe(k)} ${JSON.stringify(files[k])}: ${(err as Error).message}`, { cause: err });
    }
  };
  const material: TlsMaterial = { cert: read('certFile'), key: read('keyFile'), ca: read('caFile') };
  try {
    // Parses the PEM and checks that the key belongs to the certificate, now rather than at the first connection.
    createSecureContext(material);
  } catch (err) {
    const named = (Object.keys(labels) as (keyof TlsFileNames)[]).filter((k) => files[k]).map((k) => `${describe(k)} ${JSON.stringify(files[k])}`);
    throw new HopwatchError(errorCode, `TLS files are not usable PEM, or the key does not match the certificate: ${named.join(', ')}: ${(err as Error).message}`, { cause: err });
  }
  return material;
}

/** True when any of the files is named. */
export function anyTlsFile(files: TlsFileNames): boolean {
  return Boolean(files.certFile || files.keyFile || files.caFile);
}

/** A TLS server's files: undefined when none is named (serve plain). A CA file alone is an error:
 *  the server needs its own certificate before it can ask clients for theirs. */
export function readServerTlsFiles(files: TlsFileNames | undefined, labels: TlsFileLabels, errorCode: string): TlsMaterial | undefined {
  if (!files || !anyTlsFile(files)) return undefined;
  if (!files.certFile && !files.keyFile) {
    throw new HopwatchError(errorCode, `${labels.caFile.option} (--${labels.caFile.flag}) is set but ${labels.certFile.option} and ${labels.keyFile.option} `
      + `(--${labels.certFile.flag}, --${labels.keyFile.flag}) are not: TLS is served with them, and the CA only checks client certificates`);
  }
  return readTlsFiles(files, labels, errorCode);
}

/** An MQTT client's files: {} when none is named. They only make sense over mqtts:// (where mqtt.js
 *  checks the broker's certificate against ca), so files with an mqtt:// url are an error rather
 *  than a silent connection in clear. `urlLabel` names the url's option and flag for the message. */
export function readMqttClientTls(url: string, urlLabel: string, files: TlsFileNames | undefined, labels: TlsFileLabels, errorCode: string): TlsMaterial {
  if (!files || !anyTlsFile(files)) return {};
  if (!url.startsWith('mqtts://')) {
    throw new HopwatchError(errorCode, `TLS files are set but ${urlLabel} ${JSON.stringify(url)} is not mqtts://: use mqtts:// or drop the TLS files`);
  }
  return readTlsFiles(files, labels, errorCode);
}
