// The soak suite (`npm run soak`, bench/soak/) at a tiny scale: real collector, agent and
// Mosquitto processes on loopback. The scenarios run here are the ones no other test covers;
// the others are: collector SIGKILL in crash-restart.test.ts, agent SIGKILL while a rig posts
// in agent-intake.test.ts, agent disk full in agent-disk-full.test.ts, oversized packets and
// connections that never CONNECT in broker-bounds.test.ts.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SoakRun } from '../../bench/soak/runner.js';
import { packageFile } from '../../common/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const SCENARIOS = ['broker-outage', 'collector-disk-full', 'fuzzed-batches'];

describe('soak suite at a tiny scale', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => {
    dir.cleanup();
  });

  it('loses and doubles no journey and stores no fuzzed batch in any scenario', async () => {
    const out = join(dir.path, 'soak.json');
    await promisify(execFile)(process.execPath, [packageFile('dist', 'bench', 'soak', 'main.js'), '--only', SCENARIOS.join(','), '--scale', '0.001', '--out', out]);

    const run = JSON.parse(readFileSync(out, 'utf8')) as SoakRun;
    expect(run.scenarios.map((s) => s.name)).toEqual(SCENARIOS);
    for (const s of run.scenarios) {
      expect(s, s.name).toMatchObject({ lost: 0, doubled: 0, problems: [], passed: true });
      expect(s.sent, s.name).toBeGreaterThan(0);
      expect(s.stored, s.name).toBe(s.sent);
    }
    expect(run.scenarios.find((s) => s.name === 'fuzzed-batches')).toMatchObject({ fuzzed: 2000, fuzzedStored: 0 });
  }, 600_000);
});
