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
  close(): Promise<void>;
}

export function startFleetAgents(fleet: Fleet, options: FleetAgentsOptions): FleetAgents {
  const agents = new Map<string, Agent>();
  const clocks = new Map<string, SimulatedClock>();
  const { tuning } = options;
  try {
    for (const spec of fleet.agents) {
      const clock = createAgentClock({ ...spec.clock, startUs: options.startUs, trueNowUs: options.trueNowUs });
      const config: AgentConfig = {
        ...agentDefaults,
        agentId: spec.agentId,
        broker: { ...agentDefaults.broker, url: options.brokerUrl, ...credentialsOf(spec.agentId, options.brokerPasswords) },
        buffer: { file: join(options.dataDir, `${spec.agentId}.buffer.db`), maxBytes: tuning.bufferMaxBytes },
        batch: { ...agentDefaults.batch, maxHops: tuning.maxHops, flushIntervalMs: tuning.flushIntervalMs },
        statusIntervalMs: tuning.statusIntervalMs,
        ...(options.realTimeProbes === false ? { clock: { ...agentDefaults.clock, probeIntervalMs: 0 } } : {}),
      };
      agents.set(spec.agentId, createAgent(config, { clock, logger: options.logger }));
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
