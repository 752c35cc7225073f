// Real hopwatch agents for every agent of the fleet, each reading its own simulated clock,
// so the stubs exercise the same stamp, buffer and forward path a deployment does.
import { join } from 'node:path';
import type { Agent } from '../agent/agent.js';
import { createAgent } from '../agent/agent.js';
import type { AgentConfig } from '../agent/config.js';
import { agentDefaults } from '../agent/config.js';
import type { Logger } from '../common/logger.js';
import type { SimulatedClock } from './agent-clock.js';
import { createAgentClock } from './agent-clock.js';
import type { Fleet } from './fleet.js';
import type { AgentTuning } from './simulation-options.js';

export interface FleetAgentsOptions {
  readonly brokerUrl: string;
  /** Broker secrets by agent id (username = agent id); agents without one connect anonymously. */
  readonly brokerPasswords?: Readonly<Record<string, string>>;
  readonly dataDir: string;
  /** True time from which clock drift accumulates. */
  readonly startUs: number;
  /** The scheduler's current true time. */
  readonly trueNowUs: () => number;
  readonly tuning: AgentTuning;
  readonly logger: Logger;
  /**
   * The agents' own time probes to the collector (default on). A virtual run turns them off
   * and plays simulated exchanges instead: a real probe would be answered on the wall clock.
   */
  readonly realTimeProbes?: boolean;
}

export interface FleetAgents {
  readonly agents: ReadonlyMap<string, Agent>;
  readonly clocks: ReadonlyMap<string, SimulatedClock>;
  /** Flushes every agent and waits until the collector has acknowledged all their batches. */
  drained(timeoutMs: number): Promise<void>;
  /**
   * Closes an agent and starts it again on a fresh buffer: a new stream, its sequence numbers
   * from 1 (a device replaced or its data wiped). Call it once the agents are drained, or
   * batches still in the old buffer are never sent.
   */
  restart(agentId: string): Promise<void>;
  close(): Promise<void>;
}

export function startFleetAgents(fleet: Fleet, options: FleetAgentsOptions): FleetAgents {
  const agents = new Map<string, Agent>();
  const clocks = new Map<string, SimulatedClock>();
  const { tuning } = options;
  const restarts = new Map<string, number>();
  const configOf = (agentId: string, generation: number): AgentConfig => ({
    ...agentDefaults,
    agentId,
    broker: { ...agentDefaults.broker, url: options.brokerUrl, ...credentialsOf(agentId, options.brokerPasswords) },
    buffer: { file: join(options.dataDir, generation === 0 ? `${agentId}.buffer.db` : `${agentId}.buffer.${generation}.db`), maxBytes: tuning.bufferMaxBytes },
    batch: { ...agentDefaults.batch, maxHops: tuning.maxHops, flushIntervalMs: tuning.flushIntervalMs },
    statusIntervalMs: tuning.statusIntervalMs,
    ...(options.realTimeProbes === false ? { clock: { ...agentDefaults.clock, probeIntervalMs: 0 } } : {}),
  });
  try {
    for (const spec of fleet.agents) {
      const clock = createAgentClock({ ...spec.clock, startUs: options.startUs, trueNowUs: options.trueNowUs });
      agents.set(spec.agentId, createAgent(configOf(spec.agentId, 0), { clock, logger: options.logger }));
      clocks.set(spec.agentId, clock);
    }
  } catch (err) {
    // Agents already started hold sockets and SQLite files: release them before failing.
    void Promise.allSettled([...agents.values()].map((a) => a.close()));
    throw err;
  }

  let closed: Promise<void> | undefined;
  return {
    agents,
    clocks,
    async drained(timeoutMs) {
      await Promise.all([...agents.values()].map((a) => a.drained(timeoutMs)));
    },
    async restart(agentId) {
      const old = agents.get(agentId);
      if (!old) throw new RangeError(`no agent ${JSON.stringify(agentId)} in the fleet`);
      await old.close();
      const generation = (restarts.get(agentId) ?? 0) + 1;
      restarts.set(agentId, generation);
      agents.set(agentId, createAgent(configOf(agentId, generation), { clock: clocks.get(agentId)!, logger: options.logger }));
    },
    close() {
      closed ??= Promise.allSettled([...agents.values()].map((a) => a.close())).then(() => undefined);
      return closed;
    },
  };
}

function credentialsOf(agentId: string, passwords: Readonly<Record<string, string>> | undefined): { username?: string; password?: string } {
  const password = passwords?.[agentId];
  return password === undefined ? {} : { username: agentId, password };
}
