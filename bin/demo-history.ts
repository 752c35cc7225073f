// The demo's first start fills the store with the last weeks of simulated traffic, written
// through the metric engine the way ingest commits a tick, so every report and example has
// data at once; the live fleet carries on from there. A store that already holds history is
// left as it is.
import type { Collector } from '../collector/collector.js';
import { JoinKey } from '../collector/join/join-key.js';
import type { JourneyRecord } from '../collector/join/journey-record.js';
import { earliestHour } from '../collector/metrics/rollup-query.js';
import { createFleet, createRandom, defaultClockSpread, defaultInventory, simulationDefaults, type DccUser } from '../firmware-stubs/index.js';
import { demoHistoryPlan } from '../firmware-stubs/history/history-plan.js';
import { writeDemoHistory, type HistoryWriter } from '../firmware-stubs/history/history-journeys.js';

const DAY_MS = 86_400_000;

export interface DemoHistoryOptions {
  readonly days: number;
  readonly rigs: number;
  readonly seed: number;
  readonly users: readonly DccUser[];
  readonly nowMs: number;
  /** Where the progress line goes (a terminal gets one line redrawn, anything else a line per tenth). */
  readonly out: NodeJS.WriteStream;
}

/** Writes the history unless the store already reaches back a day or more; says what it did. */
export function fillDemoHistory(collector: Collector, o: DemoHistoryOptions): { written: boolean; journeys: number; ms: number } {
  const first = earliestHour(collector.metricEngine.source);
  if (o.days === 0 || (first !== undefined && first < o.nowMs - DAY_MS)) return { written: false, journeys: 0, ms: 0 };
  const started = performance.now();
  // The same fleet (seed, rigs, Users) as the live simulation, so history and live traffic share devices.
  const fleet = createFleet({ rigs: o.rigs, users: o.users, inventory: defaultInventory, clocks: defaultClockSpread, clockSteps: {} }, createRandom(o.seed).fork('fleet'));
  const { journeys } = writeDemoHistory({
    fleet, catalogue: collector.catalogue, plan: demoHistoryPlan(o.nowMs, o.days), failures: simulationDefaults.failures, seed: o.seed,
    writer: collectorWriter(collector), progress: progressLine(o.out, `writing ${o.days} days of demo history`),
  });
  return { written: true, journeys, ms: Math.round(performance.now() - started) };
}

/** Commits records as ingest's commit step does: store and metric sinks in one transaction, memory kept only after it commits. */
function collectorWriter(collector: Collector): HistoryWriter {
  const { store, metricEngine } = collector;
  const activity = metricEngine.source.ports.activity;
  return {
    write(records: readonly JourneyRecord[], nowMs: number) {
      const writes = records.map((record) => ({ record, joinKey: JoinKey.parse(record.key)! }));
      try {
        store.transaction(() => {
          store.writeTick({ records: writes, closedOpenKeys: [] }, nowMs);
          metricEngine.sink.onRecords(writes, nowMs);
        });
      } catch (err) {
        metricEngine.sink.rolledBack();
        throw err;
      }
      metricEngine.sink.committed();
    },
    alive(agentId, fromMs, toMs) {
      store.transaction(() => activity.saveHeartbeat({ agentId, fromMs, toMs }));
    },
  };
}

function progressLine(out: NodeJS.WriteStream, label: string): (done: number) => void {
  let shown = -1;
  return (done) => {
    const pct = Math.floor(done * 100);
    if (out.isTTY) {
      if (pct === shown) return;
      const filled = Math.round(done * 30);
      out.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${String(pct).padStart(3)} %${done >= 1 ? '\n' : ''}`);
    } else {
      if (Math.floor(pct / 10) === Math.floor(shown / 10)) return;
      out.write(`${label}: ${pct} %\n`);
    }
    shown = pct;
  };
}
