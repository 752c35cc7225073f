// The command-line shutdown (common/cli.ts onShutdown), in processes of their own running the
// compiled module with a shutdown that never finishes: the process still ends within its bound,
// a second signal ends it at once, and a shutdown that blocks the main thread (as a synchronous
// store statement that gets no answer does) is ended by the watchdog thread.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

/** Beyond the bound: a machine shared with other work. */
const SLACK_MS = 3000;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

const children: ReturnType<typeof spawn>[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A process whose shutdown hangs ('hang': a promise that never settles; 'block': the main thread waits 60 s). */
async function start(mode: 'hang' | 'block', boundMs: number) {
  const cli = JSON.stringify(join(process.cwd(), 'dist', 'common', 'cli.js'));
  const script = `
    import { onShutdown } from ${cli};
    const [mode, boundMs] = process.argv.slice(1);
    const block = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    onShutdown(async () => (mode === 'block' ? block() : new Promise(() => undefined)), { boundMs: Number(boundMs) });
    setInterval(() => undefined, 1000);
    console.log('ready');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, mode, String(boundMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal, stderr }) as Exit);
  for await (const line of createInterface({ input: child.stdout! })) if (line === 'ready') break;
  return {
    signal: (signal: NodeJS.Signals) => child.kill(signal),
    exited,
  };
}

describe('a command\'s shutdown on SIGTERM or SIGINT', () => {
  it('ends the process with status 1 once the bound has passed, saying so', async () => {
    const p = await start('hang', 1000);
    const signalledAt = performance.now();
    p.signal('SIGTERM');
    const exit = await p.exited;
    const ms = performance.now() - signalledAt;
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(exit.stderr).toContain('shutdown after SIGTERM did not finish within 1000 ms');
    expect(ms).toBeGreaterThanOrEqual(1000);
    expect(ms).toBeLessThan(1000 + SLACK_MS);
  });

  it('ends the process at once on a second signal', async () => {
    const p = await start('hang', 60_000);
    p.signal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledAt = performance.now();
    p.signal('SIGINT');
    const exit = await p.exited;
    expect(exit.signal).toBe('SIGINT');
    expect(performance.now() - signalledAt).toBeLessThan(SLACK_MS);
  });

  it('ends the process from its watchdog thread when the shutdown blocks the main thread', async () => {
    const p = await start('block', 1000);
    const signalledAt = performance.now();
    p.signal('SIGTERM');
    const exit = await p.exited;
    const ms = performance.now() - signalledAt;
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.stderr).toContain('shutdown after SIGTERM did not finish within 1000 ms');
    // The main thread's timer cannot run: the watchdog ends it a second after the bound.
    expect(ms).toBeGreaterThanOrEqual(2000);
    expect(ms).toBeLessThan(2000 + SLACK_MS);
  });
});
