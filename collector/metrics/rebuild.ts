// Rollups are derived from the journey records, the catalogue and the metric settings. When
// any of those changed (an existing database gets the metric tables for the first time, or a
// different catalogue is loaded), the derived tables are emptied and every stored record is
// passed through the sink again, in write order, so sequence rules see SRs as they came.
// Maintenance windows, incidents and heartbeats are not derived and are kept.
import { createHash } from 'node:crypto';
import { JoinKey } from '../join/join-key.js';
import type { RecordWrite } from '../join/joiner.js';
import { buildRecord } from '../join/journey-record.js';
import type { MetricPorts } from '../store/ports/metric-ports.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { MetricsConfig } from './metrics-config.js';
import type { RollupSink } from './rollup-sink.js';

/** Bumped whenever the rollup encoding or a rule in code changes what the tables hold. */
const ROLLUP_FORMAT = 2;
const CHUNK = 5000;

export function rollupSignature(catalogue: Catalogue, config: MetricsConfig): string {
  const inputs = {
    format: ROLLUP_FORMAT, catalogue: catalogue.data, timeZone: config.timeZone, exactValues: config.exactValues,
    topUpRetryWindowHours: config.topUpRetryWindowHours, cosRescueWindowDays: config.cosRescueWindowDays,
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
}

/** Rebuilds when the stored signature differs; returns how many records were replayed (0: none needed). */
export function rebuildIfStale(ports: MetricPorts, sink: RollupSink, catalogue: Catalogue, signature: string, nowMs: number): number {
  const stored = ports.rebuild.signature();
  if (stored === signature) return 0;
  const replayed = stored === undefined && !ports.rebuild.hasRecords() ? 0 : rebuild(ports, sink, catalogue, nowMs);
  ports.rebuild.saveSignature(signature);
  return replayed;
}

function rebuild(ports: MetricPorts, sink: RollupSink, catalogue: Catalogue, nowMs: number): number {
  ports.transaction(() => ports.rebuild.clearDerived());
  sink.reload();
  let lastId = 0;
  let replayed = 0;
  for (;;) {
    const rows = ports.rebuild.recordsAfter(lastId, CHUNK);
    if (rows.length === 0) break;
    const writes: RecordWrite[] = [];
    for (const row of rows) {
      lastId = row.id;
      const joinKey = JoinKey.parse(row.key);
      if (!joinKey) continue;
      const cause = row.reason === 'no-response' ? 'timeout' : 'final';
      writes.push({ record: buildRecord({ key: row.key, hops: row.hops, context: row.context, cause, amendments: row.amendments }, catalogue), joinKey });
    }
    inTransaction(ports, sink, () => sink.onRecords(writes, nowMs));
    replayed += writes.length;
  }
  inTransaction(ports, sink, () => sink.foldNow(nowMs));
  return replayed;
}

/** Runs a step of the sink in its own transaction, telling the sink how it ended. */
function inTransaction(ports: MetricPorts, sink: RollupSink, step: () => void): void {
  try {
    ports.transaction(step);
  } catch (err) {
    sink.rolledBack();
    throw err;
  }
  sink.committed();
}
