// Simulated four-timestamp time probes (RFC 5905 §8) for virtual runs. An agent's real
// probes cannot work when true time runs faster than the wall clock: the collector would
// answer on a clock that has hardly moved. Here each exchange is played on the scheduler
// instead: t1 is the agent's clock at the true send time, t2 and t3 the collector's clock
// (which is true time) when the request arrives and the answer leaves, t4 the agent's
// clock when the answer arrives, the one-way delays drawn from the role's probe path.
// The caller delivers each sample as a real agent does (on hopwatch/v2/<id>/time/sample).
import type { SimulatedClock } from './agent-clock.js';
import type { AgentRole } from './fleet.js';
import type { LatencyModel } from './latency-model.js';
import type { Random } from './random.js';
import type { Scheduler } from './scheduler.js';

export interface SimulatedTimeSample {
  readonly t1Us: number;
  readonly t2Us: number;
  readonly t3Us: number;
  readonly t4Us: number;
}

export interface TimeProbeOptions {
  /** True time between one agent's exchanges (after a fast start, as a real agent probes). */
  readonly intervalMs: number;
  /** Called at the true time the answer reaches the agent (t4). */
  readonly onSample: (agentId: string, sample: SimulatedTimeSample) => void;
}

export interface ProbedAgent {
  readonly agentId: string;
  readonly role: AgentRole;
  readonly clock: Pick<SimulatedClock, 'readAt'>;
}

export interface Exchange {
  readonly sample: SimulatedTimeSample;
  /** True time at which the answer reaches the agent. */
  readonly doneUs: number;
}

/** One exchange started at true time `startUs`. */
export function playExchange(agent: ProbedAgent, startUs: number, model: Pick<LatencyModel, 'probe'>, random: Random): Exchange {
  const arrivedUs = startUs + model.probe(agent.role, 'up', random);
  const answeredUs = arrivedUs + model.probe(agent.role, 'service', random);
  const doneUs = answeredUs + model.probe(agent.role, 'down', random);
  return {
    sample: { t1Us: agent.clock.readAt(startUs), t2Us: arrivedUs, t3Us: answeredUs, t4Us: agent.clock.readAt(doneUs) },
    doneUs,
  };
}

export interface SimulatedProbesOptions extends TimeProbeOptions {
  readonly scheduler: Pick<Scheduler, 'at' | 'nowUs'>;
  readonly agents: readonly ProbedAgent[];
  readonly model: Pick<LatencyModel, 'probe'>;
  readonly random: Random;
  /** Probing goes on while this holds (the simulation: traffic, journeys or deliveries still to come). */
  readonly active: () => boolean;
}

export interface SimulatedProbes {
  /** Samples handed to onSample. */
  readonly exchanges: number;
}

/** A new agent's first exchanges come faster, as agent/time-probe.ts sends them, so figures are mapped within seconds. */
const FAST_PROBES = 8;
const FAST_INTERVAL_MS = 500;

export function startSimulatedProbes(options: SimulatedProbesOptions): SimulatedProbes {
  const { scheduler, model, random, intervalMs, onSample, active } = options;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new RangeError(`time probe intervalMs must be a finite number > 0, got ${intervalMs}`);
  const fastMs = Math.min(FAST_INTERVAL_MS, intervalMs);
  let exchanges = 0;

  for (const agent of options.agents) {
    let sent = 0;
    const probe = () => {
      if (!active()) return;
      const { sample, doneUs } = playExchange(agent, scheduler.nowUs(), model, random);
      sent++;
      scheduler.at(doneUs, () => {
        exchanges++;
        onSample(agent.agentId, sample);
      });
      scheduler.at(scheduler.nowUs() + (sent < FAST_PROBES ? fastMs : intervalMs) * 1000, probe);
    };
    // Agents start a little apart, as real ones do.
    scheduler.at(scheduler.nowUs() + random.uniform(0, fastMs) * 1000, probe);
  }

  return {
    get exchanges() {
      return exchanges;
    },
  };
}
