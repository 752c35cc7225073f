// A port another process holds (Debian's mosquitto service on 1883, a second demo on 8080) is a
// configuration problem: `hopwatch collector` and `hopwatch start` name the port and the flag that
// moves it, and exit non-zero at once instead of printing a stack trace and hanging.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageFile } from '../../common/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);
const CLI = packageFile('dist', 'bin', 'hopwatch.js');

// A hang is what this guards against: the child is killed after 50 s (loaded CI machines take
// over ten seconds just to start node and load the CLI), well inside the test's own time-out.
async function hopwatch(args: string[], cwd: string): Promise<{ code: number | string; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 50_000, cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; killed?: boolean; stdout: string; stderr: string };
    return { code: e.killed ? 'killed' : e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('a busy port', () => {
  const dir = tempDir();
  let holder: Server;
  let busy: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    busy = (holder.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    dir.cleanup();
  });

  it('makes the collector exit with HW_COLLECTOR_BROKER naming the port and --broker-port', async () => {
    const result = await hopwatch(['collector', '--broker-port', String(busy), '--http-port', '0', '--store', join(dir.path, 'a.db')], dir.path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`HW_COLLECTOR_BROKER: embedded MQTT broker cannot listen on 127.0.0.1:${busy}: the port is in use`);
    expect(result.stderr).toContain('--broker-port N');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('makes the collector exit with HW_COLLECTOR_HTTP_LISTEN naming the port and --http-port', async () => {
    const result = await hopwatch(['collector', '--broker-port', '0', '--http-port', String(busy), '--store', join(dir.path, 'b.db')], dir.path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`HW_COLLECTOR_HTTP_LISTEN: HTTP API cannot listen on 127.0.0.1:${busy}: the port is in use`);
    expect(result.stderr).toContain('npm start -- --http-port N');
  });

  it('makes the demo exit with the same message before starting its fleet', async () => {
    const result = await hopwatch(['start', '--broker-port', String(busy), '--http-port', '0', '--store', join(dir.path, 'c.db'), '--no-history'], dir.path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HW_COLLECTOR_BROKER');
    expect(result.stderr).toContain('--broker-port N');
  });
});
