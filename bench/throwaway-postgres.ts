// A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries (package
// `postgresql`), a cluster made by initdb in a temp dir, started by pg_ctl on a free loopback
// port, trust login for one user, no system service. Run as root (CI), the cluster belongs to
// the `postgres` account, because initdb refuses to run as root.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ThrowawayPostgres {
  /** postgres://hopwatch@127.0.0.1:<port>/hopwatch */
  readonly url: string;
  readonly port: number;
  /** A new empty database on this server, and its URL. */
  createDatabase(name: string): string;
  /** Stops the server (fast shutdown: connections cut, commits kept) and keeps its files, to start it again: a server that goes down. */
  pause(): void;
  /** Starts a paused server again, on the same port, with its data. */
  resume(): void;
  /** Stops the server (immediate shutdown) and deletes its files. */
  stop(): void;
}

export interface ThrowawayPostgresOptions {
  /** Durability settings are off unless asked for: tests and benchmarks gain nothing from fsync. */
  readonly durable?: boolean;
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string>>;
}

/** The directory of Debian's PostgreSQL binaries (the newest version installed), or undefined. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0] as string, 'bin') : undefined;
}

export async function startThrowawayPostgres(options: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  if (bin === undefined) throw new Error('PostgreSQL is not installed: apt-get install postgresql (its binaries are looked for in /usr/lib/postgresql/<version>/bin)');
  const dir = mkdtempSync(join(tmpdir(), 'hopwatch-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o777);
    execFileSync('chown', ['postgres:postgres', dir]);
  }
  const run = (tool: string, args: string[]): string =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { encoding: 'utf8' }) : execFileSync(join(bin, tool), args, { encoding: 'utf8' });
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'hopwatch', '--auth=trust', '--encoding=UTF8', '--no-locale', '-N']);
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    max_connections: '200',
    ...(options.durable === true ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...options.settings,
  };
  const serverArgs = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ');
  const start = () => run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', serverArgs, '-w', '-t', '60', 'start']);
  start();
  const base = `postgres://hopwatch@127.0.0.1:${port}`;
  const psql = (db: string, sql: string): void => {
    run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'hopwatch', '-d', db, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql]);
  };
  psql('postgres', 'CREATE DATABASE hopwatch');
  let stopped = false;
  let paused = false;
  return {
    url: `${base}/hopwatch`,
    port,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      psql('postgres', `CREATE DATABASE ${name}`);
      return `${base}/${name}`;
    },
    pause() {
      // A fast shutdown cuts every connection and its open transaction, but keeps what was
      // committed (an immediate one could lose it: synchronous_commit is off).
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      paused = true;
    },
    resume() {
      start();
      paused = false;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        if (!paused) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
