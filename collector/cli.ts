// `hopwatch collector` runs the collector: broker (embedded unless --broker), ingest, joiner, HTTP API.
import { helpText } from '../common/config.js';
import { HopwatchError } from '../common/error-codes.js';
import { onShutdown, parseCommand } from '../common/cli.js';
import { createLogger } from '../common/logger.js';
import { SHUTDOWN_BOUND_MS, startCollector } from './collector.js';
import { collectorDefaults, collectorFlags, loadCollectorConfig } from './config.js';
import { CollectorError } from './errors.js';

const USAGE = `Usage: hopwatch collector [options]

Receives hop batches from agents over MQTT (embedded broker, or --broker to consume from
an external one), joins them into journeys and serves the HTTP API.`;

export async function collectorCommand(argv: string[]): Promise<void> {
  const cmd = parseCommand(argv, collectorFlags, CollectorError.HW_COLLECTOR_CONFIG.code);
  if (cmd.help) {
    process.stdout.write(helpText(USAGE, collectorFlags, collectorDefaults));
    return;
  }
  if (cmd.positionals.length > 0) throw new HopwatchError(CollectorError.HW_COLLECTOR_CONFIG.code, `unexpected argument ${JSON.stringify(cmd.positionals[0])} (try --help)`);
  const config = loadCollectorConfig(cmd.configFile, cmd.flags);
  const logger = createLogger(config.logLevel, 'hopwatch-collector');
  const collector = await startCollector(config, { logger });
  process.stdout.write(`hopwatch collector\n  agents connect to  ${collector.brokerUrl}\n  HTTP API           ${collector.httpUrl}/api/v1/journeys\n  metrics            ${collector.httpUrl}/metrics\n`);
  onShutdown(() => collector.close(), { boundMs: SHUTDOWN_BOUND_MS });
}
