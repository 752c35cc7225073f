// `hopwatch start`: the demo on the embedded default. A collector (embedded broker, SQLite
// under ./data, HTTP API) and a simulated fleet of Comms Hub test rigs whose real agents
// stamp every hop, so that journeys appear in the API within seconds.
import { join } from 'node:path';
import { onShutdown, parseCommand } from '../common/cli.js';
import { helpText, type FlagSpec } from '../common/config.js';
import { HopwatchError } from '../common/error-codes.js';
import { createLogger } from '../common/logger.js';
import { rotateAgentCredentials } from '../collector/auth/issue-credential.js';
import { startCollector, type Collector } from '../collector/collector.js';
import { collectorDefaults, loadCollectorConfig } from '../collector/config.js';
import { CollectorError } from '../collector/errors.js';
import { openStoreBackend, storeLocation } from '../collector/store/open-backend.js';
import { demoUsers, simulationAgentIds, startSimulation, type SimulationOptions } from '../firmware-stubs/index.js';
import { fillDemoHistory } from './demo-history.js';

const USAGE = `Usage: hopwatch start [options]

Runs the collector (embedded broker, SQLite file or --store postgres://..., HTTP API) and a simulated fleet of Comms Hub
test rigs, CSP gateways and the DCC gateway, each stamped by a real agent. Ctrl-C stops both.`;

const demoFlags: readonly FlagSpec[] = [
  { flag: 'http-port', path: 'http.port', type: 'integer', description: 'HTTP API port' },
  { flag: 'broker-port', path: 'broker.port', type: 'integer', description: 'embedded broker port' },
  { flag: 'store', path: 'store.file', type: 'string', description: 'a SQLite file or a postgres:// URL (README "Choosing a store")' },
  { flag: 'log-level', path: 'logLevel', type: 'string', description: 'collector and agent log level' },
];

const fleetFlags = {
  rigs: { type: 'string' }, rate: { type: 'string' }, seed: { type: 'string' }, 'history-days': { type: 'string' }, 'no-history': { type: 'boolean' },
} as const;
const HISTORY_DAYS = 35;

export async function startCommand(argv: string[]): Promise<void> {
  const cmd = parseCommand(argv, demoFlags, CollectorError.HW_COLLECTOR_CONFIG.code, fleetFlags);
  if (cmd.help) {
    process.stdout.write(helpText(USAGE, demoFlags, { ...collectorDefaults, logLevel: 'warn' },
      '  --rigs <n>        simulated Comms Hub rigs (default: 12)\n  --rate <n>        Service Requests per second (default: 5)\n  --seed <n>        random seed of the fleet and its traffic (default: 1)\n'
      + `  --history-days <n>  days of simulated history written at the first start (default: ${HISTORY_DAYS})\n  --no-history      start from an empty store\n`));
    return;
  }
  const { rigs, rate, seed, 'history-days': historyDays, 'no-history': noHistory, ...flags } = cmd.flags;
  const config = loadCollectorConfig(cmd.configFile, flags, { ...collectorDefaults, logLevel: 'warn' });
  // Every flag is checked before anything listens, so a bad one leaves nothing running.
  const fleet = { rigs: positive(rigs, 'rigs', 12), requestsPerSecond: positive(rate, 'rate', 5), seed: positive(seed, 'seed', 1) };
  const days = noHistory === true ? 0 : positive(historyDays, 'history-days', HISTORY_DAYS);
  const logger = createLogger(config.logLevel, 'hopwatch');
  const collector = await startCollector(config, { logger });
  const simulationOptions: SimulationOptions = { brokerUrl: collector.brokerUrl, dataDir: join('data', 'stubs'), ...fleet, users: demoUsers, logger };
  let history: ReturnType<typeof fillDemoHistory>;
  try {
    history = fillDemoHistory(collector, { days, rigs: fleet.rigs, seed: fleet.seed, users: demoUsers, nowMs: Date.now(), out: process.stdout });
  } catch (err) {
    await collector.close();
    throw err;
  }
  const brokerPasswords = await demoAgentSecrets(collector, config.store, simulationAgentIds(simulationOptions));
  const simulation = startSimulation({ ...simulationOptions, ...(brokerPasswords ? { brokerPasswords } : {}) });
  const api = collector.httpUrl;
  process.stdout.write([
    'hopwatch is running: a collector and a simulated fleet',
    `  ${simulation.fleet.rigs.length} Comms Hub rigs, ${simulation.agents.size} agents, ${simulation.options.requestsPerSecond} Service Requests/s`,
    history.written ? `  history: ${history.journeys} journeys over the last ${days} days, written in ${(history.ms / 1000).toFixed(1)} s`
      : days === 0 ? '  history: none (--no-history)' : '  history: the store already holds some, so none was written',
    '',
    `  dashboard      ${api}/`,
    `  journeys       ${api}/api/v1/journeys?limit=20`,
    `  one journey    ${api}/api/v1/journeys/<key>`,
    `  RSVP           ${api}/api/v1/rsvp`,
    `  agents         ${api}/api/v1/agents`,
    `  clocks         ${api}/api/v1/clocks`,
    `  metrics        ${api}/metrics`,
    `  database       ${storeLocation(config.store.file)}`,
    '',
    'Journeys appear within a few seconds (an on-demand SR takes 2-10 s end to end). Ctrl-C to stop.',
    '',
  ].join('\n'));
  onShutdown(async () => {
    await simulation.stop();
    await collector.close();
  });
}

/** When the demo's database has agent credentials (the broker refuses anonymous agents), the
 *  simulated agents get fresh ones of their own, handed to them in memory. */
async function demoAgentSecrets(collector: Collector, store: { file: string; synchronous: 'full' | 'normal' }, agentIds: readonly string[]): Promise<Record<string, string> | undefined> {
  if (!collector.agentAuthority.enabled()) return undefined;
  const backend = openStoreBackend(store);
  try {
    const secrets = await rotateAgentCredentials(backend.credentials, agentIds, Date.now());
    collector.agentAuthority.refresh();
    return secrets;
  } finally {
    backend.store.close();
  }
}

function positive(value: string | boolean | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || n <= 0) {
    throw new HopwatchError(CollectorError.HW_COLLECTOR_CONFIG.code, `--${name} ${JSON.stringify(value)} must be a positive number`);
  }
  return n;
}
