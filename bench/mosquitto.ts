// Mosquitto from Debian (.ci/run installs it), started on a free loopback port for a test or a benchmark,
// with an anonymous listener or a configuration the caller wrote. Its log goes to mosquitto.log in dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from '../common/wait-for.js';

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A configuration of the caller's: it must open a loopback listener on `port`, reached at `url`. */
export interface MosquittoConf {
  readonly text: string;
  readonly port: number;
  readonly url: string;
}

export function mosquittoBinary(): string {
  for (const path of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto']) if (existsSync(path)) return path;
  throw new Error('mosquitto is not installed (apt-get install -y mosquitto; .ci/run does this)');
}

export async function startMosquitto(dir: string, custom?: MosquittoConf): Promise<Mosquitto> {
  const port = custom?.port ?? await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, custom?.text ?? anonymousConf(port).text);
  const logFile = join(dir, 'mosquitto.log');
  const log = openSync(logFile, 'a');
  const proc: ChildProcess = spawn(mosquittoBinary(), ['-c', conf], { stdio: ['ignore', log, log] });
  closeSync(log);
  await waitFor(() => {
    // A configuration Mosquitto refuses ends the process at once: say why rather than time out.
    if (proc.exitCode !== null) throw new Error(`mosquitto exited with ${proc.exitCode}: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
    return canConnect(port);
  }, 10_000, `mosquitto on port ${port}`);
  return {
    url: custom?.url ?? `mqtt://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    }),
  };
}

/** An anonymous loopback listener on `port`: pass it to start Mosquitto again where it was. */
export function anonymousConf(port: number): MosquittoConf {
  return { text: `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`, port, url: `mqtt://127.0.0.1:${port}` };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
