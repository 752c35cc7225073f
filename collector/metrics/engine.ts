// The metric engine: the rollup sink that the ingest transaction feeds, and the read side
// that the HTTP routes and `hopwatch report` query. Both live on the collector's SQLite file;
// the read side also opens read-only, without a running collector.
import type Database from 'better-sqlite3';
import type { Logger } from '../../common/logger.js';
import type { AgentStatusRow } from '../store/store.js';
import { createActivityTracker } from './activity.js';
import { createCalendar } from './calendar.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import { createCosTracker } from './cos-tracker.js';
import { createFolder } from './fold.js';
import { createLevels } from './rollup-levels.js';
import { createGroupRegistry } from './groups.js';
import type { MetricsConfig } from './metrics-config.js';
import { createOperationsLog, type OperationsLog } from './operations-log.js';
import { rebuildIfStale, rollupSignature, storedSignature } from './rebuild.js';
import { createFactMaker } from './record-facts.js';
import { createRollupSink, type RollupSink } from './rollup-sink.js';
import { partsFor, type RollupSource } from './rollup-query.js';
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
  readonly db: Database.Database;
  readonly catalogue: Catalogue;
  readonly config: MetricsConfig;
  readonly agentStatuses: () => readonly AgentStatusRow[];
  readonly logger: Logger;
  readonly nowMs: () => number;
}

export function openMetricReader(db: Database.Database, catalogue: Catalogue, config: MetricsConfig, readonly = true): MetricReader {
  const calendar = createCalendar(config.timeZone);
  const source: RollupSource = {
    db, catalogue, calendar, levels: createLevels(calendar), groups: createGroupRegistry(db, readonly), exactValues: config.exactValues,
  };
  const stored = storedSignature(db);
  return { source, log: createOperationsLog(db), config, stale: stored !== undefined && stored !== rollupSignature(catalogue, config) };
}

export function createMetricEngine(o: MetricEngineOptions): MetricEngine {
  const { db, catalogue, config } = o;
  const reader = openMetricReader(db, catalogue, config, false);
  const { groups, calendar, levels } = reader.source;
  const sink = createRollupSink({
    db, groups,
    facts: createFactMaker(catalogue, calendar, groups),
    tags: createSequenceTags(db, catalogue, { topUpRetryWindowMs: config.topUpRetryWindowHours * 3_600_000 }),
    cos: createCosTracker(db, config.cosRescueWindowDays * 86_400_000),
    activity: createActivityTracker(db, { heartbeatPollMs: config.availability.heartbeatPollSeconds * 1000, probeSilenceMs: config.availability.probeSilenceSeconds * 1000 }),
    folder: createFolder(db, groups, levels, partsFor(config.exactValues), { compactAfterMs: config.compactAfterMinutes * 60_000, compactBudgetMs: config.compactBudgetMs }),
    agentStatuses: o.agentStatuses,
  }, { foldIntervalMs: config.foldIntervalMs, foldMaxRecords: config.foldMaxRecords });
  const started = performance.now();
  const replayed = rebuildIfStale(db, sink, catalogue, rollupSignature(catalogue, config), o.nowMs());
  if (replayed > 0) o.logger.info({ component: 'metrics', replayed, ms: Math.round(performance.now() - started) }, 'rollups rebuilt from stored records');
  return { ...reader, stale: false, sink };
}
