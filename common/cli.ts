// Shared command-line plumbing: flags from FlagSpecs, --config and --help, and a clean
// exit on SIGINT/SIGTERM that runs the command's shutdown once, within a bound when one is given.
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { FlagSpec } from './config.js';
import { HopwatchError } from './error-codes.js';

export interface ParsedCommand {
  readonly configFile?: string;
  readonly help: boolean;
  readonly flags: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

export function parseCommand(argv: string[], specs: readonly FlagSpec[], errorCode: string, extra: Record<string, { type: 'string' | 'boolean' }> = {}): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(specs.map((s) => [s.flag, { type: s.type === 'boolean' ? 'boolean' : 'string' } as const])),
        ...extra,
      },
    });
    const { config, help, ...flags } = values as Record<string, string | boolean | undefined>;
    return { ...(typeof config === 'string' ? { configFile: config } : {}), help: help === true, flags, positionals };
  } catch (err) {
    throw new HopwatchError(errorCode, `${(err as Error).message} (try --help)`);
  }
}

export interface ShutdownOptions {
  /** How long after the first signal the process ends even if `shutdown` has not finished (exit status 1). */
  readonly boundMs?: number;
}

/** When the main thread is held up past the bound, the watchdog thread ends the process this much later. */
const WATCHDOG_SLACK_MS = 1000;

/**
 * Runs `shutdown` once on SIGINT or SIGTERM, then exits. The handlers go at the first signal,
 * so a second SIGINT or SIGTERM takes the default action and ends the process at once, even
 * while the main thread waits on a synchronous store statement.
 */
export function onShutdown(shutdown: () => Promise<void>, options: ShutdownOptions = {}): void {
  const stop = (signal: string) => {
    process.removeListener('SIGINT', onInterrupt);
    process.removeListener('SIGTERM', onTerminate);
    if (options.boundMs !== undefined) enforceBound(options.boundMs, signal);
    shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown after ${signal} failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  const onInterrupt = () => stop('SIGINT');
  const onTerminate = () => stop('SIGTERM');
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
}

function enforceBound(boundMs: number, signal: string): void {
  const message = `shutdown after ${signal} did not finish within ${boundMs} ms: exiting without it\n`;
  setTimeout(() => {
    process.stderr.write(message);
    process.exit(1);
  }, boundMs).unref();
  // A main thread blocked in a synchronous call (a store statement that gets no answer) cannot
  // run its timer: a thread of its own ends the process then.
  const watchdog = new Worker(`(${watchdogMain.toString()})();`, {
    eval: true,
    // The worker's body is a CommonJS script, even in a process started with --input-type=module.
    execArgv: process.execArgv.filter((arg) => !arg.startsWith('--input-type')),
    workerData: { pid: process.pid, afterMs: boundMs + WATCHDOG_SLACK_MS, message },
  });
  watchdog.unref();
}

/** The watchdog thread's body: it shares nothing with the main thread but the process. */
function watchdogMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- an eval'd worker is a CommonJS script */
  const { workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { writeSync } = require('node:fs') as typeof import('node:fs');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const { pid, afterMs, message } = workerData as { pid: number; afterMs: number; message: string };
  setTimeout(() => {
    writeSync(2, message);
    process.kill(pid, 'SIGKILL');
  }, afterMs);
}
