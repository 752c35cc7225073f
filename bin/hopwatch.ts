#!/usr/bin/env node
// The `hopwatch` command: dispatches to the part asked for.
import { agentCommand } from '../agent/cli.js';
import { agentsCommand } from '../collector/agents-command.js';
import { tokensCommand } from '../collector/auth/tokens-command.js';
import { collectorCommand } from '../collector/cli.js';
import { catalogueCommand } from '../collector/reports/catalogue-command.js';
import { reportCommand } from '../collector/reports/report-command.js';
import { HopwatchError } from '../common/error-codes.js';
import { stampCommand } from '../agent/stamp-command.js';
import { tapCommand } from '../tap/cli.js';
import { startCommand } from './start.js';

const commands: Record<string, { run: (argv: string[]) => Promise<void>; summary: string }> = {
  start: { run: startCommand, summary: 'collector with embedded broker and SQLite, plus a simulated fleet of rigs (the demo)' },
  collector: { run: collectorCommand, summary: 'run the collector' },
  agents: { run: (argv) => agentsCommand(argv), summary: '`agents add|list|revoke`: credentials of the agents allowed on the embedded broker' },
  agent: { run: agentCommand, summary: 'run an agent, or `agent status` to read a running one' },
  report: { run: (argv) => reportCommand(argv), summary: 'write a metric report (RSVP, processes, indicators, alerts, availability …) as CSV' },
  tap: { run: tapCommand, summary: 'DUIS reverse proxy that stamps UG_IN, UG_ACK and UG_OUT on its own agent as Service Requests pass' },
  stamp: { run: stampCommand, summary: '`stamp <key> <point> [--code I0 --srv 4.8.1 …]`: post one hop to a running agent' },
  catalogue: { run: (argv) => catalogueCommand(argv), summary: '`catalogue check <file>`: validate a catalogue file' },
  tokens: { run: (argv) => tokensCommand(argv), summary: '`tokens create|list|revoke`: API tokens and their scopes (admin, viewer, party, metrics)' },
};

const USAGE = `Usage: hopwatch <command> [options]   (hopwatch <command> --help for its options)

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`).join('\n')}
`;

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  await command.run(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof HopwatchError) {
    process.stderr.write(`${err.code}: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
