// Records written while an agent's clock model is young are mapped again once the model knows
// the agent's rate: the stored figures end as exact as the clocks allow. Collector time is
// true time; the gateway agent's clock runs 100 ppm fast and is probed every 10 s over a
// noisy, asymmetric path, as agent/time-probe.ts does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../collector/catalogue/catalogue.js';
import { defaultClockModelOptions } from '../../../collector/clock/clock-model.js';
import { createClockRegistry, type ClockRegistry } from '../../../collector/clock/clock-registry.js';
import { createContextInterner } from '../../../collector/join/context-interner.js';
import { createJoiner, type Joiner, type JoinOptions } from '../../../collector/join/joiner.js';
import { RECHECK_MS } from '../../../collector/join/provisional-records.js';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import type { Store } from '../../../collector/store/store.js';
import { createRandom, type Random } from '../../../firmware-stubs/random.js';
import { decodedTestBatch, keyText, T0_US } from '../../helpers/batches.js';

const catalogue = loadCatalogue();
const T0_MS = T0_US / 1000;
const options: JoinOptions = {
  graceMs: 30_000, settleMs: 300, unknownSrvWindowMs: 60_000, alertWindowMs: 3_600_000,
  lateHopWindowMs: 1_800_000, lateHopCapacity: 10_000, persistAfterMs: 1000, maxResident: 1000, maxPersistPerCheckpoint: 1000, finalPoints: ['UG_OUT', 'ALERT_UG_OUT'],
};

describe('records mapped again as the clock model improves', () => {
  let store: Store;
  let clocks: ClockRegistry;
  let joiner: Joiner;
  let random: Random;
  let seq = 0;
  let nowMs = T0_MS;
  let driftPpm = 100;
  /** The gateway's clock: 1.5 s behind at T0, running `driftPpm` fast. */
  const agentUs = (trueUs: number) => trueUs - 1_500_000 + (driftPpm * (trueUs - T0_US)) / 1e6;

  const probe = (trueUs: number) => {
    const up = 2000 + random.next() * 20_000;
    const down = 1000 + random.next() * 6000;
    clocks.addSample('gw', { t1Us: agentUs(trueUs), t2Us: trueUs + up, t3Us: trueUs + up + 50, t4Us: agentUs(trueUs + up + 50 + down) }, trueUs / 1000);
  };
  /** A 30-second SRV answered `lengthMs` after it starts at true time `startMs`, stamped by the gateway alone. */
  const journey = (counter: number, startMs: number, lengthMs: number) => {
    const key = keyText(counter);
    return decodedTestBatch('gw', ++seq, [
      { key, point: 'UG_IN', timeUs: agentUs(startMs * 1000), context: { srv: '4.1.1', userRole: 'IS' } },
      { key, point: 'UG_ACK', timeUs: agentUs((startMs + 100) * 1000), context: { code: 'I99' } },
      { key, point: 'UG_OUT', timeUs: agentUs((startMs + lengthMs) * 1000), context: { code: 'I0' } },
    ]);
  };
  const tick = (atMs: number, batches: ReturnType<typeof journey>[] = [], commit = true) => {
    nowMs = atMs;
    for (const b of batches) joiner.apply(b, seq, atMs);
    joiner.expire(atMs);
    const writes = joiner.takeWrites();
    if (!commit) return joiner.abort();
    store.writeTick(writes, atMs);
    joiner.commit();
  };
  /** Time runs on to `untilMs` in 10 s steps, with a probe and a tick at each. */
  const runUntil = (untilMs: number) => {
    for (let t = nowMs + 10_000; t <= untilMs; t += 10_000) {
      probe(t * 1000);
      tick(t);
    }
  };
  const rttErrorUs = (counter: number, lengthMs: number) => Math.abs(store.journeysByKey(keyText(counter))[0]!.figures.rttUs! - lengthMs * 1000);

  beforeEach(() => {
    store = openSqliteStore({ file: ':memory:', synchronous: 'normal' });
    clocks = createClockRegistry(store, defaultClockModelOptions);
    joiner = createJoiner(catalogue, store, createContextInterner(), clocks, options, T0_MS);
    random = createRandom(7);
    nowMs = T0_MS;
    driftPpm = 100;
  });
  afterEach(() => store.close());

  it('writes a journey of an agent\'s first minute at once, then maps it again once the drift is known', () => {
    probe(T0_US);
    tick(T0_MS + 40_000, [journey(1, T0_MS + 5000, 30_000)]);
    const first = rttErrorUs(1, 30_000);

    runUntil(T0_MS + 90 * 60_000);

    const records = store.journeysByKey(keyText(1));
    expect(first).toBeGreaterThan(2000);
    expect(records).toHaveLength(1);
    expect(records[0]!.outcome).toBe('success');
    expect(rttErrorUs(1, 30_000)).toBeLessThan(100);
    expect(rttErrorUs(1, 30_000)).toBeLessThanOrEqual(records[0]!.figureUncertaintyUs.rttUs!);
    expect(joiner.counters.remapped).toBeGreaterThanOrEqual(1);
    expect(joiner.counters.amendments).toBe(0);
  });

  it('maps a record again only when the rates are known at least twice as well, so a few writes suffice', () => {
    probe(T0_US);
    tick(T0_MS + 40_000, [journey(1, T0_MS + 5000, 30_000)]);

    runUntil(T0_MS + 4 * 3_600_000 + 2 * RECHECK_MS);

    expect(joiner.counters.remapped).toBeGreaterThanOrEqual(1);
    expect(joiner.counters.remapped).toBeLessThanOrEqual(8);
    expect(store.journeysByKey(keyText(1))[0]!.amendments).toBe(joiner.counters.remapped);
    expect(joiner.provisionalCount).toBe(0);
  });

  it('does not note a record whose agent\'s rate is already settled', () => {
    driftPpm = 0;
    probe(T0_US);
    runUntil(T0_MS + 4 * 3_600_000);

    tick(nowMs + 40_000, [journey(1, nowMs + 5000, 30_000)]);

    expect(joiner.provisionalCount).toBe(0);
    expect(rttErrorUs(1, 30_000)).toBeLessThanOrEqual(1);
  });

  it('forgets a noted record when the store rolls the tick back, and notes it when the batch comes again', () => {
    probe(T0_US);
    tick(T0_MS + 40_000, [journey(1, T0_MS + 5000, 30_000)], false);
    expect(joiner.provisionalCount).toBe(0);

    tick(T0_MS + 40_000, [journey(1, T0_MS + 5000, 30_000)]);

    expect(joiner.provisionalCount).toBe(1);
  });
});
