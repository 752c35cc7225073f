import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultClockModelOptions } from '../../collector/clock/clock-model.js';
import { createClockRegistry } from '../../collector/clock/clock-registry.js';
import { createContextInterner } from '../../collector/join/context-interner.js';
import { createJoiner, type Joiner, type JoinOptions } from '../../collector/join/joiner.js';
import { loadCatalogue } from '../../collector/catalogue/catalogue.js';
import { openSqliteStore } from '../../collector/store/sqlite-store.js';
import type { Store } from '../../collector/store/store.js';
import { HopPoint } from '../../proto/hop-point.js';
import { decodedTestBatch, keyText, T0_US, type TestHop } from '../helpers/batches.js';

const catalogue = loadCatalogue();
const options: JoinOptions = {
  graceMs: 5000, settleMs: 300, unknownSrvWindowMs: 60_000, alertWindowMs: 3_600_000,
  lateHopWindowMs: 600_000, lateHopCapacity: 10_000, persistAfterMs: 1000, maxResident: 1000, maxPersistPerCheckpoint: 1000, finalPoints: ['UG_OUT', 'ALERT_UG_OUT'],
};
const NOW = 1_000_000;
const ms = (n: number) => n * 1000;

/** One full SMETS2 journey split across the gateway, CSP and rig agents (times in agent clocks). */
function journeyHops(counter: number, t0 = T0_US, finalCode = 'I0'): Record<string, TestHop[]> {
  const key = keyText(counter);
  const at = (point: TestHop['point'], offsetMs: number, context?: TestHop['context']): TestHop => ({ key, point, timeUs: t0 + ms(offsetMs), ...(context ? { context } : {}) });
  return {
    gw: [at('UG_IN', 0, { srv: '4.1.1', userRole: 'IS' }), at('UG_ACK', 100, { code: 'I99' }), at('DSP_OUT', 300), at('DSP_IN', 4200), at('UG_OUT', 4400, { code: finalCode })],
    csp: [at('CSP_OUT', 500, { cspRegion: 'NORTH' }), at('CSP_IN', 4000)],
    rig: [at('CH_IN', 1500, { deviceType: 'ESME', deviceModel: 'EM-A1' }), at('HAN_OUT', 1550), at('HAN_IN', 2750), at('CH_OUT', 2800)],
  };
}

describe('joiner', () => {
  let store: Store;
  let joiner: Joiner;
  let seq = 0;
  const apply = (agent: string, hops: TestHop[], at = NOW) => joiner.apply(decodedTestBatch(agent, ++seq, hops), seq, at);
  const commit = (at = NOW) => {
    const writes = joiner.takeWrites();
    store.writeTick(writes, at);
    joiner.commit();
    return writes.records;
  };

  beforeEach(() => {
    store = openSqliteStore({ file: ':memory:', synchronous: 'normal' });
    joiner = createJoiner(catalogue, store, createContextInterner(), createClockRegistry(store, defaultClockModelOptions), options, NOW);
  });
  afterEach(() => store.close());

  it.each([
    ['gw', 'csp', 'rig'],
    ['rig', 'csp', 'gw'],
    ['csp', 'gw', 'rig'],
  ])('joins hops arriving from %s, %s, %s into one record with the same figures', (...order) => {
    const hops = journeyHops(1000);
    for (const agent of order) apply(agent, hops[agent]!);
    const [write] = commit();

    expect(write?.record).toMatchObject({
      key: keyText(1000), srv: '4.1.1', outcome: 'success', code: 'I0',
      figures: { rttUs: ms(4400), hanUs: ms(1200), dccUs: ms(3200), ackUs: ms(100), cspRoundTripUs: ms(3500), chResidenceUs: ms(100) },
      context: { srv: '4.1.1', userRole: 'IS', cspRegion: 'NORTH', deviceType: 'ESME', deviceModel: 'EM-A1' },
    });
    expect(write!.record.segments.map((s) => s.from)).toEqual(['UG_IN', 'DSP_OUT', 'CSP_OUT', 'CH_IN', 'HAN_OUT', 'HAN_IN', 'CH_OUT', 'CSP_IN', 'DSP_IN']);
    expect(write?.record.crossAgent).toEqual([]);
  });

  it('does not complete a journey on the I99 acknowledgement', () => {
    apply('gw', journeyHops(1001).gw!.slice(0, 2));
    expect(commit()).toEqual([]);
    expect(joiner.openCount).toBe(1);
  });

  it('counts an exact repeat as a duplicate and keeps the earlier of two times for one point', () => {
    const gw = journeyHops(1002).gw!;
    apply('gw', gw.slice(0, 1));
    apply('gw', gw.slice(0, 1));
    apply('gw', [{ ...gw[0]!, timeUs: gw[0]!.timeUs - 10 }]);
    expect(joiner.counters.duplicateHops).toBe(1);
    expect(joiner.counters.conflictingHops).toBe(1);
    apply('gw', gw.slice(1));
    expect(commit()[0]?.record.figures.rttUs).toBe(ms(4400) + 10);
  });

  it('waits settleMs after the final point for points the deployment stamps, then closes', () => {
    const j1 = journeyHops(1003);
    for (const agent of ['gw', 'csp', 'rig']) apply(agent, j1[agent]!);
    commit();
    const j2 = journeyHops(1004);
    apply('gw', j2.gw!, NOW + 10);
    expect(commit()).toEqual([]);
    joiner.expire(NOW + 10 + options.settleMs);
    const [write] = commit();
    expect(write?.record).toMatchObject({ key: keyText(1004), outcome: 'success', figures: { rttUs: ms(4400) } });
    expect(write?.record.figures.dccUs).toBeUndefined();
  });

  it('closes a journey without its final response as a no-response failure when its window runs out', () => {
    apply('gw', journeyHops(1005).gw!.slice(0, 3));
    joiner.expire(NOW + 30_000 + options.graceMs - 1);
    expect(commit()).toEqual([]);
    joiner.expire(NOW + 30_000 + options.graceMs);
    const [write] = commit();
    expect(write?.record).toMatchObject({ outcome: 'failure', reason: 'no-response' });
    expect(write?.record.code).toBeUndefined();
    expect(joiner.counters.timedOut).toBe(1);
  });

  it('reports an E20 final response as a communications failure', () => {
    const j = journeyHops(1006, T0_US, 'E20');
    apply('gw', j.gw!);
    joiner.expire(NOW + options.settleMs);
    expect(commit()[0]?.record).toMatchObject({ outcome: 'failure', code: 'E20', reason: 'unable-to-communicate' });
  });

  it('answers a lab journey at the CSP boundary when join.finalPoints names CSP_IN (no User-side agent)', () => {
    joiner = createJoiner(catalogue, store, createContextInterner(), createClockRegistry(store, defaultClockModelOptions), { ...options, finalPoints: ['CSP_IN', 'ALERT_UG_OUT'] }, NOW);
    for (const [counter, code] of [[1010, 'I0'], [1011, 'E20']] as const) {
      const j = journeyHops(counter);
      apply('rig', j.rig!);
      apply('csp', [{ ...j.csp![0]!, context: { srv: '4.1.1', cspRegion: 'NORTH' } }, { ...j.csp![1]!, context: { code } }]);
    }
    joiner.expire(NOW + options.settleMs);
    const records = commit().map((w) => w.record);
    expect(records.map((r) => [r.outcome, r.code, r.reason])).toEqual([['success', 'I0', undefined], ['failure', 'E20', 'unable-to-communicate']]);
    expect(records[0]!.figures).toMatchObject({ cspRoundTripUs: ms(3500), hanUs: ms(1200) });
    expect(records[0]!.figures.rttUs).toBeUndefined();
  });

  it('amends the stored record when a hop arrives after completion, instead of opening a new journey', () => {
    const j = journeyHops(1007);
    apply('gw', j.gw!);
    apply('csp', j.csp!);
    joiner.expire(NOW + options.settleMs);
    const [first] = commit(NOW + options.settleMs);
    expect(first?.record.figures.hanUs).toBeUndefined();

    apply('rig', j.rig!, NOW + 5000);
    const [amended] = commit(NOW + 5000);

    expect(amended?.amends).toBeDefined();
    expect(amended?.record).toMatchObject({ amendments: 1, figures: { hanUs: ms(1200), dccUs: ms(3200) } });
    expect(joiner.openCount).toBe(0);
    expect(store.journeysByKey(keyText(1007))).toHaveLength(1);
  });

  it('starts a new journey when a counter comes back after its window', () => {
    const j = journeyHops(1008);
    for (const agent of ['gw', 'csp', 'rig']) apply(agent, j[agent]!);
    commit();
    const again = journeyHops(1008, T0_US + ms(3_600_000));
    for (const agent of ['gw', 'csp', 'rig']) apply(agent, again[agent]!, NOW + 3_600_000);
    commit(NOW + 3_600_000);
    expect(store.journeysByKey(keyText(1008)).map((r) => r.startedUs)).toEqual([T0_US, T0_US + ms(3_600_000)]);
  });

  it('restores checkpointed open journeys and recognises keys closed before a restart', () => {
    apply('gw', journeyHops(1009).gw!.slice(0, 2));
    store.writeCheckpoint(joiner.checkpoint(NOW + options.persistAfterMs, seq));
    joiner.commit();
    const restarted = createJoiner(catalogue, store, createContextInterner(), createClockRegistry(store, defaultClockModelOptions), options, NOW + 2000);

    restarted.restore(store.openJourneys(1000), store.openJourneyHashes(), [], NOW + 2000);

    expect(restarted.openCount).toBe(1);
    restarted.apply(decodedTestBatch('gw', ++seq, journeyHops(1009).gw!.slice(2)), seq, NOW + 2000);
    const { records } = restarted.takeWrites();
    expect(records[0]?.record).toMatchObject({ outcome: 'success', figures: { rttUs: ms(4400) } });
  });

  it('lists a checkpoint\'s journeys in key order, the order of the store\'s index, whatever order they opened in', () => {
    const counters = [1031, 1012, 1103, 1014, 1030];
    for (const counter of counters) apply('gw', journeyHops(counter).gw!.slice(0, 2));

    const { upserts } = joiner.checkpoint(NOW + options.persistAfterMs, seq);

    expect(upserts.map((s) => s.key)).toEqual(counters.map((c) => keyText(c)).sort());
    expect(upserts.map((s) => s.key)).not.toEqual(counters.map((c) => keyText(c)));
  });

  it('returns to its state at the last commit on abort(), so batches sent again join as if the failed tick never ran', () => {
    const [j1, j2, j3] = [journeyHops(1020), journeyHops(1021), journeyHops(1022)];
    apply('rig', j2.rig!);
    apply('gw', j1.gw!);
    apply('csp', j1.csp!);
    commit();
    const before = { open: joiner.openCount, counters: { ...joiner.counters }, bounds: joiner.openJourneyCounters() };
    const failedTick = () => {
      apply('rig', j1.rig!, NOW + 10);
      apply('gw', j2.gw!, NOW + 10);
      apply('csp', j2.csp!, NOW + 10);
      apply('gw', j3.gw!.slice(0, 2), NOW + 10);
      joiner.expire(NOW + 10);
    };

    failedTick();
    expect(joiner.takeWrites().records).toHaveLength(2);
    joiner.checkpoint(NOW + 10 + options.persistAfterMs, seq);
    joiner.abort();

    expect(joiner.openCount).toBe(before.open);
    expect(joiner.counters).toEqual(before.counters);
    expect(joiner.openJourneyCounters()).toEqual(before.bounds);
    failedTick();
    const records = commit(NOW + 10);
    expect(records.map((w) => [w.record.key, w.record.figures.rttUs, w.record.figures.hanUs, w.amends])).toEqual([
      [keyText(1020), ms(4400), ms(1200), undefined],
      [keyText(1021), ms(4400), ms(1200), undefined],
    ]);
    expect(joiner.counters.lateLookups).toBe(0);
    expect(joiner.openCount).toBe(1);
  });

  it('flags figures whose two stamps come from different agents', () => {
    const key = keyText(1010);
    apply('gw', [{ key, point: 'UG_IN', timeUs: T0_US }]);
    apply('csp', [{ key, point: 'UG_OUT', timeUs: T0_US + ms(3000) }]);
    const [write] = commit();
    expect(write?.record.crossAgent).toEqual(['rttUs']);
    expect(write?.record.hops.points).toEqual([HopPoint.UG_IN, HopPoint.UG_OUT]);
  });

  it('reads the stored records of all of a replayed batch\'s unknown keys at once, and joins their hops to those it finds', () => {
    for (const c of [1030, 1031, 1032]) for (const [agent, hops] of Object.entries(journeyHops(c))) apply(agent, hops);
    expect(commit()).toHaveLength(3);
    // As after a restart: nothing open, nothing closed in memory, every key unknown.
    const restarted = createJoiner(catalogue, store, createContextInterner(), createClockRegistry(store, defaultClockModelOptions), options, NOW + 10);
    const reads: string[][] = [];
    const findRecords = store.findRecords.bind(store);
    store.findRecords = (keys) => {
      reads.push([...keys]);
      return findRecords(keys);
    };
    const stored = [1030, 1031, 1032].map((c) => journeyHops(c).gw!.at(-1)!);
    const fresh = [1033, 1034].map((c) => journeyHops(c).gw![0]!);
    restarted.apply(decodedTestBatch('gw', ++seq, [...stored, ...fresh]), seq, NOW + 10, true);

    expect(reads.map((keys) => keys.sort())).toEqual([[1030, 1031, 1032, 1033, 1034].map((c) => keyText(c))]);
    expect(restarted.counters).toMatchObject({ duplicateHops: 3, opened: 2, lateLookups: 5 });
    expect(restarted.openCount).toBe(2);
  });
});

describe('joiner with more open journeys than it may hold in memory', () => {
  const bounded: JoinOptions = { ...options, maxResident: 10, persistAfterMs: 0, maxPersistPerCheckpoint: 1000 };
  let store: Store;
  const make = (at = NOW) => createJoiner(catalogue, store, createContextInterner(), createClockRegistry(store, defaultClockModelOptions), bounded, at);
  let seq = 0;
  const openOnly = (joiner: Joiner, counter: number, at = NOW) =>
    joiner.apply(decodedTestBatch('gw', ++seq, [{ key: keyText(counter), point: 'UG_IN', timeUs: T0_US, context: { srv: '6.15.1' } }]), seq, at);

  beforeEach(() => {
    store = openSqliteStore({ file: ':memory:', synchronous: 'normal' });
  });
  afterEach(() => store.close());

  it('moves the oldest checkpointed journeys to the store and keeps counting them as open', () => {
    const joiner = make();
    for (let c = 0; c < 50; c++) openOnly(joiner, 2000 + c);
    store.writeCheckpoint(joiner.checkpoint(NOW, seq));
    joiner.commit();
    expect(joiner.openJourneyCounters()).toMatchObject({ resident: 10, evicted: 40 });
    expect(joiner.openCount).toBe(50);
  });

  it('brings an evicted journey back when its next hop arrives', () => {
    const joiner = make();
    for (let c = 0; c < 50; c++) openOnly(joiner, 3000 + c);
    store.writeCheckpoint(joiner.checkpoint(NOW, seq));
    joiner.commit();
    joiner.apply(decodedTestBatch('gw', ++seq, [{ key: keyText(3000), point: 'UG_OUT', timeUs: T0_US + ms(5000), context: { code: 'I0' } }]), seq, NOW + 10);
    joiner.expire(NOW + 10 + bounded.settleMs);
    const { records, closedOpenKeys } = joiner.takeWrites();
    expect(records.map((w) => [w.record.key, w.record.figures.rttUs])).toEqual([[keyText(3000), ms(5000)]]);
    expect(closedOpenKeys).toEqual([keyText(3000)]);
    expect(joiner.openJourneyCounters().reloads).toBe(1);
  });

  it('brings back every evicted journey a batch has hops for with one read of the store', () => {
    const joiner = make();
    for (let c = 0; c < 50; c++) openOnly(joiner, 3100 + c);
    store.writeCheckpoint(joiner.checkpoint(NOW, seq));
    joiner.commit();
    const reads: string[][] = [];
    const loadOpenJourneys = store.loadOpenJourneys.bind(store);
    store.loadOpenJourneys = (keys) => {
      reads.push([...keys]);
      return loadOpenJourneys(keys);
    };
    const answered = [3100, 3101, 3102].map((c) => ({ key: keyText(c), point: 'UG_OUT' as const, timeUs: T0_US + ms(5000), context: { code: 'I0' } }));
    joiner.apply(decodedTestBatch('gw', ++seq, answered), seq, NOW + 10);

    expect(reads.map((keys) => keys.sort())).toEqual([[3100, 3101, 3102].map((c) => keyText(c))]);
    expect(joiner.openJourneyCounters().reloads).toBe(3);
    joiner.expire(NOW + 10 + bounded.settleMs);
    expect(joiner.takeWrites().records.map((w) => w.record.figures.rttUs)).toEqual([ms(5000), ms(5000), ms(5000)]);
  });

  it('times out evicted journeys from the store when their window runs out', () => {
    const joiner = make();
    for (let c = 0; c < 50; c++) openOnly(joiner, 4000 + c);
    store.writeCheckpoint(joiner.checkpoint(NOW, seq));
    joiner.commit();
    joiner.expire(NOW + 86_400_000 + bounded.graceMs);
    const { records } = joiner.takeWrites();
    expect(records).toHaveLength(50);
    expect(records.every((w) => w.record.reason === 'no-response')).toBe(true);
  });

  it('keeps the bound when restarted with more open journeys in the store than it may hold', () => {
    const first = make();
    for (let c = 0; c < 50; c++) openOnly(first, 5000 + c);
    store.writeCheckpoint(first.checkpoint(NOW, seq));
    first.commit();
    store.writeCheckpoint(first.checkpoint(NOW, seq));
    first.commit();
    const second = make(NOW + 1000);
    second.restore(store.openJourneys(10), store.openJourneyHashes(), [], NOW + 1000);
    expect(second.openJourneyCounters()).toMatchObject({ resident: 10, evicted: 40 });
    expect(second.openCount).toBe(50);
  });
});
