// `hopwatch stamp` against a real agent's HTTP intake, whose hops reach a real collector: in
// process, and once as a shell script runs it (the built CLI, a child process) for its exit code.
import { execFile } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.js';
import { startIntake, type Intake } from '../../agent/intake.js';
import { stampCommand } from '../../agent/stamp-command.js';
import { freePort } from '../../bench/mosquitto.js';
import { silentLogger } from '../../common/logger.js';
import { packageFile } from '../../common/paths.js';
import { waitFor } from '../../common/wait-for.js';
import type { Collector } from '../../collector/collector.js';
import { startTestAgent, startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const KEY = '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1795000000777';

function hopwatch(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [packageFile('dist', 'bin', 'hopwatch.js'), ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('hopwatch stamp', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector;
  let agent: Agent;
  let intake: Intake;
  let url: string;

  beforeEach(async () => {
    dir = tempDir();
    collector = await startTestCollector(dir.path);
    agent = startTestAgent(dir.path, 'shell-rig', collector.brokerUrl);
    intake = await startIntake(agent, { host: '127.0.0.1', udpPort: 0, httpPort: await freePort(), token: '', logger: silentLogger });
    url = `http://127.0.0.1:${intake.httpPort}`;
    // An agent closed while still connecting leaves the broker a half-open socket that holds up its close for seconds.
    await waitFor(() => agent.status().connection === 'connected', 10_000, 'the agent connected');
  });
  afterEach(async () => {
    await intake.close();
    await agent.close();
    await collector.close();
    dir.cleanup();
  });

  it('posts hops whose times, code and context make the journey in the collector', async () => {
    const t0 = Date.now() * 1000;
    const first = await hopwatch(['stamp', KEY, 'UG_IN', '--srv', '4.8.1', '--device-type', 'ESME', '--csp-region', 'SOUTH', '--time-us', String(t0), '--intake', url]);
    await stampCommand([KEY, 'UG_OUT', '--code', 'E21', '--time-us', String(t0 + 2_500_000), '--intake', url]);

    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(intake.counters()).toMatchObject({ accepted: 2, rejected: 0 });
    await agent.drained(10_000);
    const [record] = await waitFor(() => {
      const r = collector.store.journeysByKey(KEY);
      return r.length > 0 && r;
    }, 10_000, 'the journey');
    expect(record).toMatchObject({ srv: '4.8.1', code: 'E21', outcome: 'failure', figures: { rttUs: 2_500_000 }, context: { deviceType: 'ESME', cspRegion: 'SOUTH' } });
  });

  it('exits non-zero with the intake\'s reason when the hop is refused', async () => {
    const badPoint = await hopwatch(['stamp', KEY, 'UG_SIDEWAYS', '--intake', url]);

    expect(badPoint.code).toBe(2);
    expect(badPoint.stderr).toBe('HW_AGENT_BAD_HOP: the hop was refused: point "UG_SIDEWAYS" is not a hop point name\n');
    await expect(stampCommand([KEY, 'UG_IN', '--time-us', 'yesterday', '--intake', url]))
      .rejects.toMatchObject({ code: 'HW_AGENT_BAD_HOP', message: expect.stringContaining('timeUs "yesterday" is not integer microseconds since the Unix epoch') });
    expect(intake.counters()).toMatchObject({ accepted: 0, rejected: 2 });
  });

  it('needs the intake\'s token when it has one, and takes nothing without it', async () => {
    const guarded = await startIntake(agent, { host: '127.0.0.1', udpPort: 0, httpPort: await freePort(), token: 'rig-token', logger: silentLogger });
    const guardedUrl = `http://127.0.0.1:${guarded.httpPort}`;
    try {
      await expect(stampCommand([KEY, 'UG_IN', '--intake', guardedUrl])).rejects.toMatchObject({ code: 'HW_AGENT_INTAKE_UNAUTHORIZED' });
      await expect(stampCommand([KEY, 'UG_IN', '--intake', guardedUrl, '--token', 'rig-tokem'])).rejects.toMatchObject({ code: 'HW_AGENT_INTAKE_UNAUTHORIZED' });
      expect(guarded.counters()).toMatchObject({ accepted: 0, unauthorized: 2 });

      await stampCommand([KEY, 'UG_IN', '--intake', guardedUrl, '--token', 'rig-token']);
      expect(guarded.counters()).toMatchObject({ accepted: 1, unauthorized: 2 });
    } finally {
      await guarded.close();
    }
  });

  it('fails with HW_AGENT_UNREACHABLE when no agent answers', async () => {
    const closedPort = intake.httpPort!;
    await intake.close();

    await expect(stampCommand([KEY, 'UG_IN', '--intake', `http://127.0.0.1:${closedPort}`]))
      .rejects.toMatchObject({ code: 'HW_AGENT_UNREACHABLE', message: expect.stringMatching(/^no agent intake answered at http:\/\/127\.0\.0\.1:\d+\/hops/) });
  });

  it('refuses a call without its key and point', async () => {
    await expect(stampCommand([KEY])).rejects.toMatchObject({ code: 'HW_AGENT_BAD_HOP', message: expect.stringContaining('takes exactly two arguments, <key> and <point>') });
  });
});
