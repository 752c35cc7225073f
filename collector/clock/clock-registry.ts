// Every agent's clock model, kept current from time probes and persisted, so that a
// restarted collector maps hop times as well as before it stopped. An agent whose measured
// drift crosses the physical limit is logged when it crosses (and when it comes back), besides
// the gauge: its bounds are widened, and its host's clock wants looking at.
import type { Logger } from '../../common/logger.js';
import { silentLogger } from '../../common/logger.js';
import type { ClockModelOptions, ClockModelState, Mapping } from './clock-model.js';
import { ClockModel } from './clock-model.js';
import type { TimeSample } from './time-sample.js';

export interface ClockStateStore {
  saveClockModel(agentId: string, state: ClockModelState, nowMs: number): void;
  clockModels(): Iterable<{ readonly agentId: string; readonly state: ClockModelState }>;
}

export interface ClockMapper {
  /** An agent's time on the collector's clock, with its bounds. */
  map(agentId: string, agentUs: number): Mapping;
}

export interface AgentClockSummary {
  readonly agentId: string;
  readonly offsetUs: number;
  /** As measured, never clipped to the prior. */
  readonly driftPpm: number;
  /** As applied to the agent's times (the measured drift shrunk in proportion to its uncertainty). */
  readonly appliedDriftPpm: number;
  readonly driftUncertaintyPpm: number;
  /** The measured drift lies beyond the physical limit: bounds widened to cover it. */
  readonly driftBeyondLimit: boolean;
  readonly uncertaintyUs: number | null;
  readonly exchanges: number;
  readonly steps: number;
  readonly rejected: number;
}

export interface ClockRegistry extends ClockMapper {
  addSample(agentId: string, sample: TimeSample, nowMs: number): void;
  /** Writes every model (at shutdown). */
  save(nowMs: number): void;
  summaries(atAgentUs: (agentId: string) => number): AgentClockSummary[];
  readonly samples: number;
  /** Agents whose measured drift lies beyond the physical limit now. */
  readonly agentsBeyondDriftLimit: number;
}

/** At most this many agents are tracked (one model each, a few kilobytes). */
const MAX_AGENTS = 100_000;
/** A model is written at most this often (a restart loses at most this much of its history). */
const SAVE_INTERVAL_MS = 60_000;

export function createClockRegistry(store: ClockStateStore, options: ClockModelOptions, logger: Logger = silentLogger): ClockRegistry {
  const log = logger.child({ component: 'clock' });
  const models = new Map<string, ClockModel>();
  for (const { agentId, state } of store.clockModels()) models.set(agentId, new ClockModel(options, state));
  const unsynced = new ClockModel(options);
  const savedAt = new Map<string, number>();
  let samples = 0;

  const logLimit = (agentId: string, model: ClockModel, atAgentUs: number) => {
    const { driftPpm, driftUncertaintyPpm } = model.summary(atAgentUs);
    const fields = { agentId, driftPpm, driftUncertaintyPpm, limitPpm: options.driftLimitPpm };
    if (model.driftBeyondLimit) log.warn(fields, 'agent clock drift beyond the physical limit: bounds widened, check the host clock');
    else log.info(fields, 'agent clock drift back within the physical limit');
  };

  return {
    addSample(agentId, sample, nowMs) {
      let model = models.get(agentId);
      if (!model) {
        if (models.size >= MAX_AGENTS) return;
        models.set(agentId, (model = new ClockModel(options)));
      }
      const wasBeyond = model.driftBeyondLimit;
      model.add(sample);
      samples++;
      if (model.driftBeyondLimit !== wasBeyond) logLimit(agentId, model, sample.t4Us);
      if (nowMs - (savedAt.get(agentId) ?? -Infinity) < SAVE_INTERVAL_MS) return;
      savedAt.set(agentId, nowMs);
      store.saveClockModel(agentId, model.state(), nowMs);
    },
    save(nowMs) {
      for (const [agentId, model] of models) store.saveClockModel(agentId, model.state(), nowMs);
    },
    map: (agentId, agentUs) => (models.get(agentId) ?? unsynced).map(agentUs),
    summaries: (atAgentUs) => [...models].map(([agentId, m]) => {
      const s = m.summary(atAgentUs(agentId));
      return { agentId, ...s, uncertaintyUs: Number.isFinite(s.uncertaintyUs) ? s.uncertaintyUs : null, rejected: m.rejected };
    }),
    get samples() {
      return samples;
    },
    get agentsBeyondDriftLimit() {
      let n = 0;
      for (const model of models.values()) if (model.driftBeyondLimit) n++;
      return n;
    },
  };
}
