// `hopwatch tap` as its own process: the proxy on its main thread, the agent and its HTTP intake
// in a worker thread, one GET /status carrying both.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/mosquitto.js';
import { packageFile } from '../../common/paths.js';
import { waitFor } from '../../common/wait-for.js';
import { duisAcknowledgement, duisRequest, post } from '../helpers/duis.js';
import { tempDir } from '../helpers/temp-dir.js';

const KEY = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1795000000001';

interface Status {
  agentId: string;
  stamped: number;
  tap: { serviceRequests: number; acknowledgements: number; agentQueue: { capacityHops: number } };
}

describe('hopwatch tap (the command)', () => {
  let dir: ReturnType<typeof tempDir>;
  let dcc: Server;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    dir = tempDir();
    dcc = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/xml' }).end(duisAcknowledgement(KEY)));
    });
    await new Promise<void>((resolve) => dcc.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    child = undefined;
    dcc.closeAllConnections();
    await new Promise<void>((resolve) => dcc.close(() => resolve()));
    dir.cleanup();
  });

  it('serves the tap\'s counters and its agent\'s status on one /status, and buffers the hops before it exits', async () => {
    const [tapPort, statusPort, deadBroker] = [await freePort(), await freePort(), await freePort()];
    const bufferFile = join(dir.path, 'tap.buffer.db');
    child = spawn(process.execPath, [packageFile('dist', 'bin', 'hopwatch.js'), 'tap',
      '--dcc-listen-port', String(tapPort), '--dcc-url', `http://127.0.0.1:${(dcc.address() as { port: number }).port}`,
      '--id', 'cli-tap', '--broker', `mqtt://127.0.0.1:${deadBroker}`, '--buffer-file', bufferFile,
      '--http-port', String(statusPort), '--udp-port', '0', '--agent-queue-hops', '1000', '--log-level', 'silent'], { stdio: 'ignore' });
    const status = async () => (await (await fetch(`http://127.0.0.1:${statusPort}/status`)).json()) as Status;
    // Two module graphs load (the proxy's and the agent worker's): generous on a busy machine.
    await waitFor(() => status().then(() => true, () => false), 60_000, 'hopwatch tap to answer /status');

    const answer = await post(`http://127.0.0.1:${tapPort}/api/v1/serviceD`, duisRequest(KEY, '4.8.1'));

    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe(duisAcknowledgement(KEY));
    // The tap's counters reach the worker twice a second; the agent counts hops as it seals them.
    const seen = await waitFor(async () => {
      const s = await status();
      return s.tap.serviceRequests === 1 && s.tap.acknowledgements === 1 && s.stamped === 2 && s;
    }, 10_000, 'the exchange in /status');
    expect(seen).toMatchObject({ agentId: 'cli-tap', tap: { agentQueue: { capacityHops: 1000 } } });

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const db = new Database(bufferFile, { readonly: true });
    const hops = (db.prepare('SELECT coalesce(sum(hops), 0) AS hops FROM batches').get() as { hops: number }).hops;
    db.close();
    expect(hops).toBe(2);
  });
});
