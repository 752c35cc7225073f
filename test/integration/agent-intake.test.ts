// The agent's HTTP intake on loopback: a 200 means the hops are in the SQLite buffer, a 503
// means none of them were kept, and a SIGKILL loses no hop that was answered 200.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { startIntake, type Intake } from '../../agent/intake.js';
import { silentLogger } from '../../common/logger.js';
import { packageFile } from '../../common/paths.js';
import { waitFor } from '../../common/wait-for.js';
import { freePort } from '../../bench/mosquitto.js';
import { keyText } from '../helpers/batches.js';
import { mountSmallDisk, type FullDisk } from '../../bench/full-disk.js';
import { startTestAgent } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

let counter = 0;
/** NDJSON of `n` hops on fresh keys. */
function hopLines(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ key: keyText(++counter), point: 'CH_IN', srv: '4.8.1' }));
  return lines.join('\n');
}

const post = (port: number, body: string) =>
  fetch(`http://127.0.0.1:${port}/hops`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });

describe('agent HTTP intake', () => {
  let dir: ReturnType<typeof tempDir>;
  let disk: FullDisk | undefined;
  let agent: Agent | undefined;
  let intake: Intake | undefined;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await intake?.close();
    await agent?.close();
    intake = undefined;
    agent = undefined;
    disk?.cleanup();
    disk = undefined;
    dir.cleanup();
  });

  const start = async (bufferDir: string) => {
    // No broker and no flush tick: whatever is in the buffer got there through the intake's commit.
    agent = startTestAgent(bufferDir, 'rig', `mqtt://127.0.0.1:${await freePort()}`, {
      buffer: { file: join(bufferDir, 'rig.buffer.db') },
      batch: { flushIntervalMs: 600_000 },
      clock: { probeIntervalMs: 0 },
    });
    intake = await startIntake(agent, { host: '127.0.0.1', udpPort: 0, httpPort: await freePort(), token: '', logger: silentLogger });
    return intake.httpPort!;
  };

  it('answers 200 only once the hops are in the buffer', async () => {
    const port = await start(dir.path);

    const res = await post(port, hopLines(300));

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 300, rejected: 0, problems: [] });
    expect(agent!.status().buffer.hops).toBe(300);
    expect(agent!.status().unsealedHops).toBe(0);
  });

  it('reads the body as NDJSON whatever content type the client sends, as curl --data-binary does', async () => {
    const port = await start(dir.path);
    const types = ['application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream', undefined];

    const statuses = await Promise.all(types.map((type) => fetch(`http://127.0.0.1:${port}/hops`, {
      method: 'POST', headers: type ? { 'content-type': type } : {}, body: new TextEncoder().encode(hopLines(5)),
    }).then((r) => r.status)));

    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(agent!.status().buffer.hops).toBe(20);
  });

  it('stores every hop of many concurrent requests and answers each once they are stored', async () => {
    const port = await start(dir.path);

    const answers = await Promise.all(Array.from({ length: 40 }, () => post(port, hopLines(250)).then(async (r) => ({
      status: r.status, body: (await r.json()) as { accepted: number },
    }))));

    expect(answers.every((a) => a.status === 200 && a.body.accepted === 250)).toBe(true);
    expect(agent!.status().buffer.hops).toBe(10_000);
  });

  it('answers 503 and keeps none of the hops when the buffer cannot store them, and 200 once it can', async () => {
    disk = mountSmallDisk(2 * 1024 * 1024);
    expect(disk, 'mounting a tmpfs needs root or CAP_SYS_ADMIN').toBeDefined();
    const port = await start(disk!.path);
    expect((await post(port, hopLines(100))).status).toBe(200);

    disk!.fill();
    const body = hopLines(500);
    const refused = await post(port, body);

    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'HW_AGENT_BUFFER_WRITE', accepted: 500 });
    expect(agent!.status()).toMatchObject({ writeFailedHops: 500, buffer: { hops: 100 } });
    expect(intake!.counters().unstored).toBe(500);

    disk!.free();
    expect((await post(port, body)).status).toBe(200);
    expect(agent!.status().buffer.hops).toBe(600);
  });
});

describe('agent HTTP intake across SIGKILL', () => {
  let dir: ReturnType<typeof tempDir>;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    child?.kill('SIGKILL');
    dir.cleanup();
  });

  it('loses no hop it answered 200 for, across five kills while rigs post', async () => {
    const bufferFile = join(dir.path, 'rig.buffer.db');
    const brokerPort = await freePort();
    let answered = 0;
    let unanswered = 0;
    for (let round = 0; round < 5; round++) {
      const httpPort = await freePort();
      child = spawn(process.execPath, [packageFile('dist', 'bin', 'hopwatch.js'), 'agent', '--id', 'rig', '--broker', `mqtt://127.0.0.1:${brokerPort}`,
        '--buffer-file', bufferFile, '--http-port', String(httpPort), '--udp-port', '0', '--time-probe-interval-ms', '0', '--log-level', 'silent'], { stdio: 'ignore' });
      await waitFor(async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`).catch(() => undefined))?.status === 200, 10_000, 'the agent process');
      let killed = false;
      const rig = async () => {
        while (!killed) {
          const lines = hopLines(200);
          try {
            const res = await post(httpPort, lines);
            if (res.status === 200) answered += 200;
            else unanswered += 200;
          } catch {
            unanswered += 200;
          }
        }
      };
      const rigs = [rig(), rig(), rig(), rig()];
      await new Promise((resolve) => setTimeout(resolve, 300 + round * 37));
      killed = true;
      child.kill('SIGKILL');
      await Promise.all(rigs);
    }

    const db = new Database(bufferFile, { readonly: true });
    const stored = (db.prepare('SELECT coalesce(sum(hops), 0) AS hops FROM batches').get() as { hops: number }).hops;
    db.close();
    expect(answered).toBeGreaterThan(1000);
    expect(stored).toBeGreaterThanOrEqual(answered);
    // The only extra hops are those of requests cut off by the kill, stored but not answered.
    expect(stored - answered).toBeLessThanOrEqual(unanswered);
  });
});
