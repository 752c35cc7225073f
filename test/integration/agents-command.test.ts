// `hopwatch agents add|list|revoke` against a real database file, and a running collector picking the changes up.
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentsCommand } from '../../collector/agents-command.js';
import type { Collector } from '../../collector/collector.js';
import { HopwatchError } from '../../common/error-codes.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('hopwatch agents', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: string;
  let collector: Collector | undefined;

  beforeEach(() => {
    dir = tempDir();
    db = join(dir.path, 'collector.db');
  });
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    dir.cleanup();
  });

  const run = async (...argv: string[]) => {
    const io = { stdout: '', stderr: '' };
    await agentsCommand([...argv, '--store', db], { out: (t) => { io.stdout += t; }, err: (t) => { io.stderr += t; }, nowMs: () => Date.parse('2026-11-28T10:00:00Z') });
    return io;
  };
  const codeOf = (p: Promise<unknown>) => p.then(() => 'none', (err: unknown) => (err instanceof HopwatchError ? `${err.code}: ${err.message}` : String(err)));

  it('add prints only the secret on stdout, as its last line, and says on stderr how to hand it over', async () => {
    const { stdout, stderr } = await run('add', 'rig-1');
    expect(stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(stderr).toContain('hopwatch agent --id rig-1 --broker-password-file');
  });

  it('list shows ids and times and never a secret or its hash', async () => {
    const { stdout: secret } = await run('add', 'rig-1');
    await run('add', 'rig-2');
    await run('revoke', 'rig-2');
    const { stdout } = await run('list');
    expect(stdout.split('\n').slice(1, 3)).toEqual([
      `${'rig-1'.padEnd(24)} 2026-11-28T10:00:00.000Z  -`,
      `${'rig-2'.padEnd(24)} 2026-11-28T10:00:00.000Z  2026-11-28T10:00:00.000Z`,
    ]);
    expect(stdout).not.toContain(secret.trim());
    expect(stdout).not.toContain('scrypt');
  });

  it('refuses to add an agent that already has a credential unless --rotate, which gives a new secret', async () => {
    const { stdout: first } = await run('add', 'rig-1');
    expect(await codeOf(run('add', 'rig-1'))).toMatch(/^HW_COLLECTOR_AGENT_CREDENTIAL: .*--rotate/);
    const { stdout: second, stderr } = await run('add', 'rig-1', '--rotate');
    expect(second).not.toBe(first);
    expect(stderr).toContain('rotated');
  });

  it('refuses agent ids outside the topic pattern, unknown agents to revoke and unknown subcommands', async () => {
    expect(await codeOf(run('add', 'a/b'))).toMatch(/^HW_COLLECTOR_AGENT_CREDENTIAL: agent id "a\/b" must match/);
    expect(await codeOf(run('add', 'x'.repeat(65)))).toMatch(/^HW_COLLECTOR_AGENT_CREDENTIAL/);
    await run('add', 'rig-1');
    expect(await codeOf(run('revoke', 'nobody'))).toMatch(/^HW_COLLECTOR_AGENT_CREDENTIAL: agent "nobody" has no active credential/);
    expect(await codeOf(run('remove', 'rig-1'))).toMatch(/^HW_COLLECTOR_AGENT_CREDENTIAL: expected/);
    expect(await codeOf(run('list', '--rotate'))).toMatch(/^HW_COLLECTOR_AGENT_CREDENTIAL: --rotate goes with/);
    expect(await codeOf(agentsCommand(['list', '--store', join(dir.path, 'typo.db')]))).toMatch(/^HW_COLLECTOR_AGENT_CREDENTIAL: no database at/);
  });

  it('takes effect in a running collector on the same database without a restart', async () => {
    collector = await startTestCollector(dir.path);
    const secret = (await run('add', 'rig-1')).stdout.trim();
    const connect = () => mqtt.connectAsync(collector!.brokerUrl, { reconnectPeriod: 0, clientId: 'hopwatch-agent-rig-1', username: 'rig-1', password: secret });
    const anonymousRefused = async () => mqtt.connectAsync(collector!.brokerUrl, { reconnectPeriod: 0 }).then((c) => { c.end(true); return false; }, () => true);
    await expect.poll(anonymousRefused, { timeout: 3000, interval: 100 }).toBe(true);
    const client = await connect();
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await run('revoke', 'rig-1');
    await closed;
    expect(await connect().then((c) => { c.end(true); return 0; }, (err: { code?: number }) => err.code)).toBe(4);
  });
});
