// The joining rules: one Service Request is one record, whatever the arrival order, the tick
// boundaries or how late its response is; a new journey for a key only when the key is
// evidently used again. Collector time and hop times are on one clock here (the agents'
// clocks are not yet synchronised, so they map one to one).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultClockModelOptions } from '../../../collector/clock/clock-model.js';
import { createClockRegistry } from '../../../collector/clock/clock-registry.js';
import { loadCatalogue } from '../../../collector/catalogue/catalogue.js';
import { createContextInterner } from '../../../collector/join/context-interner.js';
import { createJoiner, type Joiner, type JoinOptions, type RecordWrite } from '../../../collector/join/joiner.js';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import type { Store } from '../../../collector/store/store.js';
import { decodedTestBatch, keyText, T0_US, type TestHop } from '../../helpers/batches.js';

const catalogue = loadCatalogue();
const T0_MS = T0_US / 1000;
const S = 1_000_000;
const base: JoinOptions = {
  graceMs: 5000, settleMs: 300, unknownSrvWindowMs: 60_000, alertWindowMs: 3_600_000,
  lateHopWindowMs: 1_800_000, lateHopCapacity: 10_000, persistAfterMs: 1000, maxResident: 1000, maxPersistPerCheckpoint: 1000, finalPoints: ['UG_OUT', 'ALERT_UG_OUT'],
};

interface TimedBatch {
  readonly agent: string;
  readonly hops: TestHop[];
  /** Collector time it arrives at (ms). */
  readonly atMs: number;
}

/** A 30-second SRV (4.1.1) whose response (DSP_IN, UG_OUT) comes `responseMs` after UG_IN; each agent's batch arrives when its last hop is stamped. */
function slowJourney(counter: number, responseMs: number, t0Ms = T0_MS): TimedBatch[] {
  const key = keyText(counter);
  const at = (point: TestHop['point'], offsetMs: number, context?: TestHop['context']): TestHop => ({ key, point, timeUs: (t0Ms + offsetMs) * 1000, ...(context ? { context } : {}) });
  return [
    { agent: 'gw', atMs: t0Ms + 300, hops: [at('UG_IN', 0, { srv: '4.1.1', userRole: 'IS' }), at('UG_ACK', 100, { code: 'I99' }), at('DSP_OUT', 300)] },
    { agent: 'csp', atMs: t0Ms + 500, hops: [at('CSP_OUT', 500, { cspRegion: 'NORTH' })] },
    { agent: 'rig', atMs: t0Ms + responseMs - 1000, hops: [at('CH_IN', 1500), at('HAN_OUT', 1550), at('HAN_IN', responseMs - 1250), at('CH_OUT', responseMs - 1200)] },
    { agent: 'csp', atMs: t0Ms + responseMs - 400, hops: [at('CSP_IN', responseMs - 400)] },
    { agent: 'gw', atMs: t0Ms + responseMs, hops: [at('DSP_IN', responseMs - 200), at('UG_OUT', responseMs, { code: 'I0' })] },
  ];
}

describe('joining rules', () => {
  let store: Store;
  let joiner: Joiner;
  let seq = 0;
  let nowMs = T0_MS;

  const make = (options: JoinOptions) => {
    joiner = createJoiner(catalogue, store, createContextInterner(), createClockRegistry(store, defaultClockModelOptions), options, T0_MS);
  };
  /** One ingest tick: the batches arrive, the joiner expires what is due at `atMs`, and the store commits. */
  const tick = (batches: readonly TimedBatch[], atMs: number): RecordWrite[] => {
    nowMs = atMs;
    for (const b of batches) joiner.apply(decodedTestBatch(b.agent, ++seq, b.hops), seq, atMs);
    joiner.expire(atMs);
    const writes = joiner.takeWrites();
    store.writeTick(writes, atMs);
    joiner.commit();
    return [...writes.records];
  };
  /** Every batch in its own tick at its arrival time (in the order given). */
  const play = (batches: readonly TimedBatch[]) => batches.flatMap((b) => tick([b], Math.max(nowMs, b.atMs)));
  /** Time runs on past every window. */
  const finish = () => tick([], nowMs + 3_600_000);
  const stored = (counter: number) => store.journeysByKey(keyText(counter));

  beforeEach(() => {
    store = openSqliteStore({ file: ':memory:', synchronous: 'normal' });
    nowMs = T0_MS;
    make(base);
  });
  afterEach(() => store.close());

  it('keeps a 42 s response with a 5 s grace in the journey it answers: one record, answered, slow', () => {
    const writes = [...play(slowJourney(100, 42_000)), ...finish()];

    const records = stored(100);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'success', code: 'I0', amendments: 2 });
    expect(records[0]!.figures).toMatchObject({ rttUs: 42 * S, ackUs: 0.1 * S, cspRoundTripUs: 41.1 * S });
    expect(records[0]!.figures.hanUs).toBeGreaterThan(0);
    expect(writes[0]!.record).toMatchObject({ outcome: 'failure', reason: 'no-response' });
    expect(joiner.counters).toMatchObject({ opened: 1, timedOut: 1, keyReused: 0 });
  });

  it('amends the record with a UG_OUT 72 s after UG_IN under the default 30 s grace instead of opening a second journey', () => {
    make({ ...base, graceMs: 30_000 });
    play(slowJourney(101, 72_000));
    finish();

    const records = stored(101);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'success', figures: { rttUs: 72 * S } });
    expect(joiner.counters.opened).toBe(1);
  });

  it.each([
    ['the response after its journey timed out', 5 * 60_000],
    ['the response in the tick that times the journey out', 0],
  ])('gives the same record whatever the tick boundaries: %s', (_, delayMs) => {
    const batches = slowJourney(102, 50_000);
    const late = batches.splice(2);
    tick(batches, T0_MS + 500);
    tick(late, T0_MS + 50_000 + delayMs);
    tick([], T0_MS + 3_600_000);

    const records = stored(102);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'success', figures: { rttUs: 50 * S, cspRoundTripUs: 49.1 * S } });
  });

  it.each([
    ['response first', [4, 3, 2, 1, 0]],
    ['rig first', [2, 4, 0, 1, 3]],
    ['request last', [1, 2, 3, 4, 0]],
  ])('joins a slow journey into one record whatever the arrival order (%s)', (_, order) => {
    const batches = slowJourney(103, 45_000);
    const shuffled = order.map((i, k) => ({ ...batches[i]!, atMs: T0_MS + 60_000 + k * 20_000 }));
    play(shuffled);
    finish();

    const records = stored(103);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'success', figures: { rttUs: 45 * S, ackUs: 0.1 * S } });
    expect(records[0]!.hops.points).toHaveLength(11);
    expect(joiner.counters.keyReused).toBe(0);
  });

  it('starts a second journey when the counter is used again after the first ended, and counts it', () => {
    play(slowJourney(104, 4000));
    play(slowJourney(104, 3000, T0_MS + 120_000));
    finish();

    expect(stored(104).map((r) => [r.startedUs / 1000 - T0_MS, r.outcome, r.figures.rttUs])).toEqual([
      [0, 'success', 4 * S],
      [120_000, 'success', 3 * S],
    ]);
    expect(joiner.counters).toMatchObject({ keyReused: 1, opened: 2, conflictingHops: 0 });
  });

  it('gives a reused counter\'s response to its own request even when the response arrives first', () => {
    const first = slowJourney(105, 4000).slice(0, 1);
    const second = slowJourney(105, 3000, T0_MS + 120_000);
    play(first);
    tick([], T0_MS + 60_000);
    play([second[4]!, second[0]!, second[1]!, second[2]!, second[3]!]);
    finish();

    expect(stored(105).map((r) => [r.startedUs / 1000 - T0_MS, r.outcome, r.reason, r.figures.rttUs])).toEqual([
      [0, 'failure', 'no-response', undefined],
      [120_000, 'success', undefined, 3 * S],
    ]);
    expect(joiner.counters.keyReused).toBe(1);
  });

  it('keeps the earlier time of a point repeated while its journey is still open, without opening a second journey', () => {
    const [request] = slowJourney(106, 4000);
    tick([request!], T0_MS + 300);
    tick([{ ...request!, hops: [{ ...request!.hops[0]!, timeUs: request!.hops[0]!.timeUs + 2000 }] }], T0_MS + 2000);
    tick([], T0_MS + 3_600_000);

    expect(stored(106)).toHaveLength(1);
    expect(joiner.counters).toMatchObject({ conflictingHops: 1, keyReused: 0 });
  });

  it('opens a new journey for a hop that arrives after its journey can no longer be amended', () => {
    play(slowJourney(107, 4000));
    finish();
    const late = slowJourney(107, 4000)[2]!;
    tick([{ ...late, atMs: T0_MS + 4000 + base.lateHopWindowMs + 1000 }], T0_MS + 4000 + base.lateHopWindowMs + 1000);
    tick([], T0_MS + 2 * 3_600_000);

    expect(stored(107)).toHaveLength(2);
    expect(joiner.counters.keyReused).toBe(0);
  });
});
