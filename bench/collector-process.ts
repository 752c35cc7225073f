// The collector as a child process running the built CLI (dist/): crash tests and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { packageFile } from '../common/paths.js';
import { waitFor } from '../common/wait-for.js';

export interface CollectorProcess {
  readonly httpUrl: string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** `readyWithinMs`: a restart with a million open journeys to restore takes a while. */
export async function spawnCollector(args: string[], httpPort: number, readyWithinMs = 20_000, logLevel = 'warn'): Promise<CollectorProcess> {
  // HOPWATCH_PROFILE_DIR: each collector writes a CPU profile there when it exits (node --cpu-prof).
  const profileDir = process.env.HOPWATCH_PROFILE_DIR;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, packageFile('dist', 'bin', 'hopwatch.js'), 'collector', ...args, '--http-port', String(httpPort), '--log-level', logLevel], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`collector exited with ${child.exitCode}`);
      try {
        return (await fetch(`${httpUrl}/healthz`)).status === 200;
      } catch {
        return false;
      }
    }, readyWithinMs, 'the collector process to answer /healthz');
  } catch (err) {
    // A collector that never answered would otherwise outlive the test or benchmark.
    child.kill('SIGKILL');
    throw err;
  }
  return {
    httpUrl,
    kill: (signal) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    }),
  };
}
