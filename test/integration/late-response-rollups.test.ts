// A response that arrives after its journey timed out, through the joiner, a SQLite file and the
// metric engine: the no-response record becomes one answered, slow record, and the rollups
// count the request once (its failure retracted, its success over the TRT added).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultClockModelOptions } from '../../collector/clock/clock-model.js';
import { createClockRegistry } from '../../collector/clock/clock-registry.js';
import { createContextInterner } from '../../collector/join/context-interner.js';
import { createJoiner, type Joiner, type JoinOptions } from '../../collector/join/joiner.js';
import { rsvpRows } from '../../collector/metrics/rsvp.js';
import { openSqliteStore } from '../../collector/store/sqlite-store.js';
import { decodedTestBatch, keyText, T0_US, type TestHop } from '../helpers/batches.js';
import { tempDir } from '../helpers/temp-dir.js';
import { harness, type Harness } from '../unit/metrics/harness.js';

const T0_MS = T0_US / 1000;
const options: JoinOptions = {
  graceMs: 30_000, settleMs: 300, unknownSrvWindowMs: 60_000, alertWindowMs: 3_600_000,
  lateHopWindowMs: 1_800_000, lateHopCapacity: 10_000, persistAfterMs: 1000, maxResident: 1000, maxPersistPerCheckpoint: 1000, finalPoints: ['UG_OUT', 'ALERT_UG_OUT'],
};

describe('a response after its journey timed out, counted by the metric engine', () => {
  let dir: ReturnType<typeof tempDir>;
  let h: Harness;
  let joiner: Joiner;
  let seq = 0;

  beforeEach(() => {
    dir = tempDir();
    h = harness({ store: openSqliteStore({ file: `${dir.path}/hopwatch.db`, synchronous: 'normal' }), fold: true });
    joiner = createJoiner(h.catalogue, h.store, createContextInterner(), createClockRegistry(h.store, defaultClockModelOptions), options, T0_MS);
  });
  afterEach(() => {
    h.close();
    dir.cleanup();
  });

  const hop = (point: TestHop['point'], offsetMs: number, context?: TestHop['context']): TestHop =>
    ({ key: keyText(7000), point, timeUs: (T0_MS + offsetMs) * 1000, ...(context ? { context } : {}) });
  const tick = (agent: string, hops: TestHop[], atMs: number) => {
    if (hops.length > 0) joiner.apply(decodedTestBatch(agent, ++seq, hops), seq, atMs);
    joiner.expire(atMs);
    h.write(joiner.takeWrites().records, atMs);
    joiner.commit();
  };
  const monthRow = () => {
    const [fromMs, toMs] = h.engine.source.calendar.monthRange('2026-10');
    return rsvpRows(h.engine.source, { fromMs, toMs, period: 'month', by: ['srv'], filters: {} })[0];
  };

  it('turns the no-response record into one answered record over the TRT and counts the request once', () => {
    tick('gw', [hop('UG_IN', 0, { srv: '4.1.1', userRole: 'IS', cspRegion: 'NORTH' }), hop('UG_ACK', 100, { code: 'I99' })], T0_MS + 100);
    tick('rig', [hop('CH_IN', 1000), hop('HAN_OUT', 1050), hop('HAN_IN', 2050), hop('CH_OUT', 2100)], T0_MS + 2100);
    tick('gw', [], T0_MS + 60_000 + options.graceMs);
    expect(monthRow()).toMatchObject({ volume: 1, successes: 0, failuresByReason: { 'no-response': 1 } });

    tick('gw', [hop('UG_OUT', 72_000, { code: 'I0' })], T0_MS + 72_500 + options.graceMs);

    const records = h.store.journeysByKey(keyText(7000));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'success', amendments: 1, figures: { rttUs: 72_000_000, dccUs: 71_000_000 } });
    expect(monthRow()).toMatchObject({ volume: 1, successes: 1, failuresByReason: {}, trt: { measured: 1, within: 0 } });
    expect(joiner.counters).toMatchObject({ opened: 1, timedOut: 1, amendments: 1, keyReused: 0 });
  });
});
