// The metric engine: the rollup sink that the ingest transaction feeds, and the read side
// that the HTTP routes and `hopwatch report` query. Both work on the metric ports
// (collector/store/ports); the read side also runs on read-only ports, without a collector.
import type { Logger } from '../../common/logger.js';
import type { MetricPorts } from '../store/ports/metric-ports.js';
import type { OperationsLog } from '../store/ports/operations-log.js';
import type { AgentStatusRow } from '../store/store.js';
import { createActivityTracker } from './activity.js';
import { createCalendar } from './calendar.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import { createCosTracker } from './cos-tracker.js';
import { createEstateTracker } from './estate-tracker.js';
import { createFailureLinkTracker } from './failure-link-tracker.js';
import { createFolder } from './fold.js';
import { createLevels } from './rollup-levels.js';
import { createGroupRegistry } from './groups.js';
import type { MetricsConfig } from './metrics-config.js';
import { rebuildIfStale, rollupSignature } from './rebuild.js';
import { createFactMaker } from './record-facts.js';
import { createRollupSink, type RollupSink } from './rollup-sink.js';
import { partsFor, type RollupSource } from './rollup-query.js';
import { sequenceCodes } from './sequence-codes.js';
import { createSequenceEventTracker } from './sequence-event-tracker.js';
import { createSequenceTags } from './sequence-tags.js';

export interface MetricReader {
  readonly source: RollupSource;
  readonly log: OperationsLog;
  readonly config: MetricsConfig;
  /** The rollups were built with another catalogue or settings (the collector rebuilds them at its next start). */
  readonly stale: boolean;
}

export interface MetricEngine extends MetricReader {
  readonly sink: RollupSink;
}

export interface MetricEngineOptions {
  readonly ports: MetricPorts;
  readonly catalogue: Catalogue;
  readonly config: MetricsConfig;
  readonly agentStatuses: () => readonly AgentStatusRow[];
  readonly logger: Logger;
  readonly nowMs: () => number;
}

export function openMetricReader(ports: MetricPorts, catalogue: Catalogue, config: MetricsConfig): MetricReader {
  const calendar = createCalendar(config.timeZone);
  const source: RollupSource = {
    ports, catalogue, calendar, levels: createLevels(calendar), groups: createGroupRegistry(ports.groups, ports.readonly), exactValues: config.exactValues,
  };
  const stored = ports.rebuild.signature();
  return { source, log: ports.operations, config, stale: stored !== undefined && stored !== rollupSignature(catalogue, config) };
}

export function createMetricEngine(o: MetricEngineOptions): MetricEngine {
  const { ports, catalogue, config } = o;
  const reader = openMetricReader(ports, catalogue, config);
  const { groups, calendar, levels } = reader.source;
  const sink = createRollupSink({
    rollups: ports.rollups, groups,
    facts: createFactMaker(catalogue, calendar, groups),
    tags: createSequenceTags(ports.sequence, catalogue, { topUpRetryWindowMs: config.topUpRetryWindowHours * 3_600_000 }),
    cos: createCosTracker(ports.cos, config.cosRescueWindowDays * 86_400_000),
    estate: createEstateTracker(ports.estate, calendar),
    sequenceEvents: createSequenceEventTracker(ports.sequenceEvents, sequenceCodes(catalogue).followed),
    failureLinks: createFailureLinkTracker(ports.failureLinks, catalogue),
    activity: createActivityTracker(ports.activity, { heartbeatPollMs: config.availability.heartbeatPollSeconds * 1000, probeSilenceMs: config.availability.probeSilenceSeconds * 1000 }),
    folder: createFolder(ports.rollups, groups, levels, partsFor(config.exactValues), { compactAfterMs: config.compactAfterMinutes * 60_000, compactBudgetMs: config.compactBudgetMs }),
    agentStatuses: o.agentStatuses,
  }, { foldIntervalMs: config.foldIntervalMs, foldMaxRecords: config.foldMaxRecords });
  const started = performance.now();
  const replayed = rebuildIfStale(ports, sink, catalogue, rollupSignature(catalogue, config), o.nowMs());
  if (replayed > 0) o.logger.info({ component: 'metrics', replayed, ms: Math.round(performance.now() - started) }, 'rollups rebuilt from stored records');
  return { ...reader, stale: false, sink };
}
