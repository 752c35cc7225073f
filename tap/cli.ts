// `hopwatch tap`: runs the DUIS tap with its own agent, and the agent's HTTP intake, whose
// GET /status carries the tap's counters beside the agent's (`hopwatch agent status --http-port`).
import { onShutdown, parseCommand } from '../common/cli.js';
import { helpText } from '../common/config.js';
import { HopwatchError } from '../common/error-codes.js';
import { createLogger } from '../common/logger.js';
import { loadTapConfig, tapDefaults, tapFlags } from './config.js';
import { TapError } from './errors.js';
import { startTap } from './tap.js';

const USAGE = `Usage: hopwatch tap --dcc-url <DCC User Interface URL> [--user-url <the User's endpoint>] [options]

A reverse proxy in front of the DCC User Interface that forwards DUIS traffic unchanged and
stamps, on its own agent, UG_IN when a Service Request passes, UG_ACK when the I99
acknowledgement comes back, and UG_OUT when the Service Response reaches the User (ALERT_UG_OUT
for an alert). Point the User's DUIS client at the DCC listener and the DCC's response
deliveries at the User listener. Agent options (--id, --broker, --http-port …) are the agent's.`;

export async function tapCommand(argv: string[]): Promise<void> {
  const cmd = parseCommand(argv, tapFlags, TapError.HW_TAP_CONFIG.code);
  if (cmd.help) {
    process.stdout.write(helpText(USAGE, tapFlags, tapDefaults));
    return;
  }
  if (cmd.positionals.length > 0) throw new HopwatchError(TapError.HW_TAP_CONFIG.code, `unexpected argument ${JSON.stringify(cmd.positionals[0])} (try --help)`);
  const config = loadTapConfig(cmd.configFile, cmd.flags);
  const logger = createLogger(config.agent.logLevel, 'hopwatch-tap');
  const tap = await startTap(config, { logger });
  process.stdout.write([
    `hopwatch tap (agent ${config.agent.agentId}, broker ${config.agent.broker.url})`,
    `  Service Requests   ${tap.dccUrl} -> ${config.dcc.url}`,
    ...(tap.userUrl ? [`  deliveries         ${tap.userUrl} -> ${config.user.url}`] : []),
    ...(tap.agent.httpPort ? [`  status             http://${config.agent.intake.host}:${tap.agent.httpPort}/status`] : []),
    '',
  ].join('\n'));
  onShutdown(() => tap.close());
}
