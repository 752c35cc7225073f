// `hopwatch agent` runs an agent (stamping through its UDP and HTTP intakes);
// `hopwatch agent status` asks a running agent for its counters.
import { helpText } from '../common/config.js';
import { HopwatchError } from '../common/error-codes.js';
import { onShutdown, parseCommand } from '../common/cli.js';
import { createLogger } from '../common/logger.js';
import { createAgent } from './agent.js';
import { agentDefaults, agentFlags, loadAgentConfig } from './config.js';
import { AgentError } from './errors.js';
import { startIntake } from './intake.js';

const USAGE = `Usage: hopwatch agent [options]          run an agent
       hopwatch agent status [options]   print a running agent's status (its HTTP intake must be on)

An agent stamps hops, buffers them in SQLite and forwards them to the collector over MQTT.
Rigs in other languages stamp through the loopback intakes, one JSON hop per line:
  {"key":"90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1000","point":"UG_OUT","code":"I0","srv":"4.8.1"}
  UDP: one or more lines per datagram.   HTTP: POST /hops with NDJSON.`;

export async function agentCommand(argv: string[]): Promise<void> {
  const cmd = parseCommand(argv, agentFlags, AgentError.HW_AGENT_CONFIG.code);
  if (cmd.help) {
    process.stdout.write(helpText(USAGE, agentFlags, agentDefaults));
    return;
  }
  const config = loadAgentConfig(cmd.configFile, cmd.flags);
  if (cmd.positionals[0] === 'status') return printStatus(config.intake.host, config.intake.httpPort);
  if (cmd.positionals.length > 0) throw new HopwatchError(AgentError.HW_AGENT_CONFIG.code, `unknown agent command ${JSON.stringify(cmd.positionals[0])} (try --help)`);

  const logger = createLogger(config.logLevel, 'hopwatch-agent');
  const agent = createAgent(config, { logger });
  const intake = await startIntake(agent, { host: config.intake.host, udpPort: config.intake.udpPort, httpPort: config.intake.httpPort, token: config.intake.token, logger });
  logger.info({ agentId: config.agentId, broker: config.broker.url, udpPort: intake.udpPort, httpPort: intake.httpPort }, 'agent running');
  onShutdown(async () => {
    await intake.close();
    await agent.close();
  });
}

async function printStatus(host: string, port: number): Promise<void> {
  if (port === 0) throw new HopwatchError(AgentError.HW_AGENT_UNREACHABLE.code, 'the HTTP intake is off (--http-port 0); status needs it');
  const url = `http://${host}:${port}/status`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new HopwatchError(AgentError.HW_AGENT_UNREACHABLE.code, `no agent answered at ${url}: ${(err as Error).message}`);
  }
  process.stdout.write(`${JSON.stringify(await res.json(), null, 2)}\n`);
}
