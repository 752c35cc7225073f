// The shipped deploy/mosquitto configuration, run for real: a temp copy in which only the
// ports, the file paths and the TLS files are rewritten, with a password file made by
// mosquitto_passwd, started through bench/mosquitto.ts.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startMosquitto, type Mosquitto } from '../../bench/mosquitto.js';
import { packageFile } from '../../common/paths.js';
import type { TestPki } from './tls.js';

/** url: mqtts:// on the TLS listener (8883 in the shipped file). */
export interface DeployedMosquitto extends Mosquitto {
  /** mqtt:// on the loopback listener for local tools (1883 in the shipped file). */
  readonly localUrl: string;
}

/** Starts the shipped configuration in dir with these username → password pairs. dir's parent and
 *  the PKI's directory's parent must be open to other users (a tempDir() root, with the PKI in it). */
export async function startShippedMosquitto(dir: string, pki: TestPki, users: Readonly<Record<string, string>>): Promise<DeployedMosquitto> {
  const tlsPort = await freePort();
  const localPort = await freePort();
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const passwd = join(dir, 'passwd');
  const acl = join(dir, 'acl');
  copyFileSync(packageFile('deploy', 'mosquitto', 'acl'), acl);
  for (const [i, [user, password]] of Object.entries(users).entries()) {
    execFileSync('mosquitto_passwd', [...(i === 0 ? ['-c'] : []), '-b', passwd, user, password], { stdio: 'ignore' });
  }
  const text = rewrite(readFileSync(packageFile('deploy', 'mosquitto', 'mosquitto.conf'), 'utf8'), {
    'listener 8883': `listener ${tlsPort} 127.0.0.1`,
    'listener 1883 127.0.0.1': `listener ${localPort} 127.0.0.1`,
    password_file: `password_file ${passwd}`,
    acl_file: `acl_file ${acl}`,
    certfile: `certfile ${pki.server.certFile}`,
    keyfile: `keyfile ${pki.server.keyFile}`,
    persistence_location: `persistence_location ${data}/`,
  });
  // Started as root, Mosquitto drops to its own user before reading these files.
  for (const path of [dir, join(pki.server.certFile, '..')]) chmodSync(path, 0o755);
  for (const path of [passwd, acl, pki.server.certFile, pki.server.keyFile]) chmodSync(path, 0o644);
  chmodSync(data, 0o777);
  const mosquitto = await startMosquitto(dir, { text, port: tlsPort, url: `mqtts://127.0.0.1:${tlsPort}` });
  return { ...mosquitto, localUrl: `mqtt://127.0.0.1:${localPort}` };
}

/** Replaces each line starting with a key (a directive, or a whole line); every key must match exactly one line. */
function rewrite(conf: string, replacements: Readonly<Record<string, string>>): string {
  const lines = conf.split('\n');
  for (const [key, line] of Object.entries(replacements)) {
    const at = lines.flatMap((l, i) => (l === key || l.startsWith(`${key} `) ? [i] : []));
    if (at.length !== 1) throw new Error(`deploy/mosquitto/mosquitto.conf: expected one line "${key} …", found ${at.length}`);
    lines[at[0]] = line;
  }
  return lines.join('\n');
}
