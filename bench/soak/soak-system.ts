// One scenario's running parts: the collector (the CLI, its own process, embedded broker or an
// external one), an agent process and a rig posting to its intake. Each can be killed and
// started again on the same files; finish() drains everything and tallies.
import { join } from 'node:path';
import { spawnCollector, type CollectorProcess } from '../collector-process.js';
import { freePort } from '../mosquitto.js';
import { spawnAgent, type AgentProcess } from './agent-process.js';
import { startRig, type Rig } from './rig.js';
import type { ScenarioContext } from './scenario.js';
import { settledTally, type Tally } from './tally.js';

export interface SoakSystemOptions {
  readonly hopsPerSecond: number;
  /** An external broker's URL; absent: the collector's embedded broker. */
  readonly brokerUrl?: string;
  /** Where the collector's database lives (default: the scenario's dir). */
  readonly dbDir?: string;
  /** Where the agent's buffer lives (default: the scenario's dir). */
  readonly bufferDir?: string;
}

export interface SoakSystem {
  readonly dbFile: string;
  readonly brokerUrl: string;
  collector(): CollectorProcess;
  agent(): AgentProcess;
  readonly rig: Rig;
  startCollector(): Promise<CollectorProcess>;
  startAgent(): Promise<AgentProcess>;
  /** Stops the rig, waits for the agent to drain and the records to settle, and tallies. */
  finish(timeoutMs: number): Promise<Tally>;
  close(): Promise<void>;
}

export async function startSoakSystem(ctx: ScenarioContext, options: SoakSystemOptions): Promise<SoakSystem> {
  const dbFile = join(options.dbDir ?? ctx.dir, 'collector.db');
  const brokerPort = await freePort();
  const httpPort = await freePort();
  const brokerUrl = options.brokerUrl ?? `mqtt://127.0.0.1:${brokerPort}`;
  const brokerArgs = options.brokerUrl ? ['--broker', options.brokerUrl, '--client-id', `soak-collector-${ctx.index}`] : ['--broker-port', String(brokerPort)];
  const collectorArgs = [...brokerArgs, '--store', dbFile, '--synchronous', 'full'];
  let collector: CollectorProcess | undefined;
  let agent: AgentProcess | undefined;
  // Log level error: a million fuzzed batches would otherwise log a million warnings. Three
  // minutes to start: on a loaded two-core machine a collector has been seen to take a minute.
  const startCollector = async () => (collector = await spawnCollector(collectorArgs, httpPort, 180_000, 'error'));
  const startAgent = async () => (agent = await spawnAgent({ agentId: `soak-${ctx.index}`, brokerUrl, bufferFile: join(options.bufferDir ?? ctx.dir, 'agent.buffer.db') }));
  await startCollector();
  try {
    await startAgent();
  } catch (err) {
    await collector!.kill('SIGKILL');
    throw err;
  }
  const rig = startRig({ scenarioIndex: ctx.index, intakeUrl: () => agent!.intakeUrl, hopsPerSecond: options.hopsPerSecond });
  return {
    dbFile,
    brokerUrl,
    collector: () => collector!,
    agent: () => agent!,
    rig,
    startCollector,
    startAgent,
    async finish(timeoutMs) {
      await rig.stop(timeoutMs);
      await agent!.drained(timeoutMs);
      // 2-hop journeys are recorded settleMs (500 ms) after their final hop, at the next tick.
      return settledTally(dbFile, ctx.index, rig.sent, 10_000);
    },
    async close() {
      await rig.stop(1000).catch(() => undefined);
      await agent?.kill('SIGTERM');
      await collector?.kill('SIGTERM');
    },
  };
}
