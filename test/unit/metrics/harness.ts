// Drives the metric engine the way ingest does (records written and fed to the sink in one
// transaction), on an in-memory SQLite store, with journeys described by their times.
import { silentLogger } from '../../../common/logger.js';
import { JoinKey } from '../../../collector/join/join-key.js';
import type { RecordWrite } from '../../../collector/join/joiner.js';
import { buildRecord, type JourneyRecord } from '../../../collector/join/journey-record.js';
import { loadCatalogue, type Catalogue } from '../../../collector/catalogue/catalogue.js';
import { createMetricEngine, type MetricEngine } from '../../../collector/metrics/engine.js';
import { metricsDefaults, type MetricsConfig } from '../../../collector/metrics/metrics-config.js';
import type { MetricPorts } from '../../../collector/store/ports/metric-ports.js';
import { openSqliteStore, type SqliteStore } from '../../../collector/store/sqlite-store.js';
import { sqliteMetricPorts } from '../../../collector/store/sqlite/metric-ports.js';
import type { JourneyContext } from '../../../proto/hop-context.js';
import { HopPoint, type HopPointName } from '../../../proto/hop-point.js';

export const PARTY_A = '90-B3-D5-1F-30-01-00-00';
export const PARTY_B = '90-B3-D5-1F-30-02-00-00';
export const DEVICE_1 = '00-DB-12-34-56-78-90-A1';
export const DEVICE_2 = '00-DB-12-34-56-78-90-A2';

export interface JourneySpec {
  /** ISO instant of UG_IN (or ALERT_RAISED). */
  readonly at: string;
  readonly srv: string;
  readonly rttMs?: number;
  /** Time on the HAN: HAN_IN − HAN_OUT. */
  readonly hanMs?: number;
  /** DSP time, split evenly between the two directions. */
  readonly dspMs?: number;
  readonly code?: string;
  /** Only UG_IN: closes as no-response. */
  readonly unanswered?: boolean;
  /** The response was lost after the HAN leg: CSP_IN, DSP_IN and UG_OUT never stamped; closes as no-response. */
  readonly lostAfterHan?: boolean;
  /** Only UG_IN and UG_OUT stamped: no DCC time. */
  readonly gatewayOnly?: boolean;
  readonly party?: string;
  readonly device?: string;
  readonly counter?: number;
  readonly context?: Omit<JourneyContext, 'srv'>;
}

let counter = 1000;

function hopsOf(points: [HopPointName, number][], agent: (p: HopPointName) => string, finalCode?: string) {
  return {
    points: points.map(([p]) => HopPoint[p]),
    agentIds: points.map(([p]) => agent(p)),
    times: points.map(([, t]) => t),
    codes: points.map(([p]) => (p === 'UG_OUT' || p === 'ALERT_UG_OUT' ? finalCode : undefined)),
  };
}

const agentFor = (p: HopPointName) => (p.startsWith('UG') || p.startsWith('DSP') ? 'gw' : p.startsWith('CSP') ? 'csp-1' : 'rig-1');

/** A request journey on the SMETS2 chain with the given RTT, HAN and DSP times (all stamped by consistent clocks). */
export function request(spec: JourneySpec, catalogue: Catalogue): JourneyRecord {
  const t0 = Date.parse(spec.at) * 1000;
  const us = (ms: number) => Math.round(ms * 1000);
  const rtt = us(spec.rttMs ?? 3000);
  const han = us(spec.hanMs ?? 1000);
  const dsp = us(spec.dspMs ?? 400);
  const csp = rtt - han - dsp;
  const points: [HopPointName, number][] = spec.unanswered ? [['UG_IN', t0]]
    : spec.gatewayOnly ? [['UG_IN', t0], ['UG_OUT', t0 + rtt]]
      : [
        ['UG_IN', t0], ['DSP_OUT', t0 + dsp / 2], ['CSP_OUT', t0 + dsp / 2 + 10], ['CH_IN', t0 + dsp / 2 + csp / 2 - 20],
        ['HAN_OUT', t0 + dsp / 2 + csp / 2], ['HAN_IN', t0 + dsp / 2 + csp / 2 + han], ['CH_OUT', t0 + dsp / 2 + csp / 2 + han + 20],
        ['CSP_IN', t0 + dsp / 2 + csp - 10], ['DSP_IN', t0 + dsp / 2 + csp + han], ['UG_OUT', t0 + rtt],
      ].slice(0, spec.lostAfterHan ? 7 : 10) as [HopPointName, number][];
  const key = `${spec.party ?? PARTY_A}:${spec.device ?? DEVICE_1}:${spec.counter ?? counter++}`;
  return buildRecord({
    key, hops: hopsOf(points, agentFor, spec.code ?? 'I0'), context: { srv: spec.srv, cspRegion: 'NORTH', smetsGeneration: 'SMETS2', userRole: 'IS', ...spec.context },
    cause: spec.unanswered || spec.lostAfterHan ? 'timeout' : 'final', amendments: 0,
  }, catalogue);
}

/** An alert raised on the device at `at` and delivered to the User after deliveryMs (never, when undefined; raising unstamped with raiseUnstamped). */
export function alert(spec: { at: string; code: string; deliveryMs?: number; user?: string; device?: string; raiseUnstamped?: boolean }, catalogue: Catalogue): JourneyRecord {
  const t0 = Date.parse(spec.at) * 1000;
  const raised: [HopPointName, number][] = spec.raiseUnstamped ? [] : [['ALERT_RAISED', t0]];
  const points: [HopPointName, number][] = spec.deliveryMs === undefined ? raised : [...raised, ['ALERT_UG_OUT', t0 + spec.deliveryMs * 1000]];
  const key = `${spec.device ?? DEVICE_1}:${spec.user ?? PARTY_A}:${counter++}`;
  return buildRecord({
    key, hops: hopsOf(points, () => 'rig-1'), context: { srv: spec.code, cspRegion: 'NORTH' },
    cause: spec.deliveryMs === undefined ? 'timeout' : 'final', amendments: 0,
  }, catalogue);
}

export interface Harness {
  readonly store: SqliteStore;
  readonly ports: MetricPorts;
  readonly engine: MetricEngine;
  readonly catalogue: Catalogue;
  /** Writes records (and amendments) as one tick would, at nowMs. */
  write(records: readonly (JourneyRecord | RecordWrite)[], nowMs?: number): void;
  /** Folds (and compacts) in a transaction of its own, as a tick with no records would. */
  foldNow(nowMs: number): void;
  close(): void;
}

export function writeOf(r: JourneyRecord, amends?: RecordWrite['amends']): RecordWrite {
  return { record: r, joinKey: JoinKey.parse(r.key)!, ...(amends ? { amends } : {}) };
}

export interface HarnessOptions {
  readonly config?: Partial<MetricsConfig>;
  readonly catalogue?: Catalogue;
  readonly store?: SqliteStore;
  /** Fold the facts into hourly rollups after every write (else they stay pending until a query reads them). */
  readonly fold?: boolean;
}

export function harness(options: HarnessOptions = {}): Harness {
  const catalogue = options.catalogue ?? loadCatalogue();
  const store = options.store ?? openSqliteStore({ file: ':memory:', synchronous: 'normal' });
  const config = { ...metricsDefaults, ...options.config };
  const ports = sqliteMetricPorts(store);
  const engine = createMetricEngine({
    ports, catalogue, config, agentStatuses: () => store.agentStatuses(), logger: silentLogger, nowMs: () => 0,
  });
  return {
    store, ports, engine, catalogue,
    write(records, nowMs = Date.parse('2026-11-01T00:00:00Z')) {
      const writes = records.map((r) => ('record' in r ? r : writeOf(r)));
      try {
        store.transaction(() => {
          store.writeTick({ records: writes, closedOpenKeys: [] }, nowMs);
          engine.sink.onRecords(writes, nowMs);
          if (options.fold) engine.sink.foldNow(nowMs);
        });
      } catch (err) {
        engine.sink.rolledBack();
        throw err;
      }
      engine.sink.committed();
    },
    foldNow(nowMs) {
      store.transaction(() => engine.sink.foldNow(nowMs));
      engine.sink.committed();
    },
    close: () => store.close(),
  };
}
