// Shared command-line plumbing: flags from FlagSpecs, --config and --help, and a clean
// exit on SIGINT/SIGTERM that runs the command's shutdown once.
import { parseArgs } from 'node:util';
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

/** Runs `shutdown` once on SIGINT or SIGTERM, then exits. */
export function onShutdown(shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown after ${signal} failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
