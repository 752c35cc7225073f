// Alert states and history kept in the store (collector/store/ports/alert-history.ts) on a real
// SQLite file: a state machine built on the store resumes where the last one stopped (a firing
// series stays firing, history and ids go on), a store that refuses a save loses nothing
// (the change waits for the next save, bounded and counted), and a collector restarted on its
// database still answers the events and states of before through the API.
import { join } from 'node:path';
import sinon from 'sinon';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAlertStates } from '../../../collector/alerting/alert-states.js';
import type { Collector } from '../../../collector/collector.js';
import { openStoreBackend, type StoreBackend } from '../../../collector/store/open-backend.js';
import { startTestCollector } from '../../helpers/system.js';
import { tempDir } from '../../helpers/temp-dir.js';

const north = { region: 'NORTH' };
const on = [{ labels: north, value: 5, active: true }];
const off = [{ labels: north, value: 0, active: false }];
const rule = { name: 'north-down', forSeconds: 60 };

describe('alert history in the store', () => {
  const dir = tempDir();
  let files = 0;
  const opened: StoreBackend[] = [];
  const open = (file: string) => {
    const b = openStoreBackend({ file, synchronous: 'normal' });
    opened.push(b);
    return b;
  };
  afterEach(() => {
    for (const b of opened.splice(0)) b.store.close();
    sinon.restore();
  });
  afterAll(() => dir.cleanup());

  it('resumes a firing series and its history, without firing it again', () => {
    const file = join(dir.path, `states-${files++}.db`);
    const first = createAlertStates({ historyLimit: 100, maxSeries: 10, store: open(file).alertHistory });
    first.apply(rule, on, 0);
    first.apply(rule, on, 60_000);
    first.save();

    const second = createAlertStates({ historyLimit: 100, maxSeries: 10, store: open(file).alertHistory });
    expect(second.series()).toEqual([expect.objectContaining({ rule: 'north-down', labels: north, state: 'firing', sinceMs: 60_000, startsAtMs: 60_000 })]);
    expect(second.firing).toBe(1);
    expect(second.apply(rule, on, 65_000)).toEqual({ fired: [], resolved: [] });
    expect(second.apply(rule, off, 70_000).resolved).toEqual([expect.objectContaining({ state: 'resolved', startsAtMs: 60_000, endsAtMs: 70_000 })]);
    second.save();

    const third = createAlertStates({ historyLimit: 100, maxSeries: 10, store: open(file).alertHistory });
    expect(third.events(10).map((e) => [e.id, e.from, e.to, e.atMs])).toEqual([[3, 'firing', 'resolved', 70_000], [2, 'pending', 'firing', 60_000], [1, null, 'pending', 0]]);
    expect(third.series()[0]).toMatchObject({ state: 'resolved' });
  });

  it('forgets at start the stored series of a rule no longer configured, and keeps its past events', () => {
    const file = join(dir.path, `states-${files++}.db`);
    const first = createAlertStates({ historyLimit: 100, maxSeries: 10, store: open(file).alertHistory });
    first.apply({ name: 'retired', forSeconds: 0 }, on, 0);
    first.apply(rule, on, 0);
    first.save();

    const second = createAlertStates({ historyLimit: 100, maxSeries: 10, store: open(file).alertHistory, rules: new Set(['north-down']) });
    expect(second.series().map((x) => x.rule)).toEqual(['north-down']);
    expect(second.firing).toBe(0);
    second.save();
    const third = createAlertStates({ historyLimit: 100, maxSeries: 10, store: open(file).alertHistory });
    expect(third.series().map((x) => x.rule)).toEqual(['north-down']);
    expect(third.events(10).map((e) => e.rule)).toEqual(['north-down', 'retired', 'retired']);
  });

  it('keeps a change the store refused for the next save, dropping and counting the oldest beyond historyLimit', () => {
    const file = join(dir.path, `states-${files++}.db`);
    const store = open(file).alertHistory;
    const states = createAlertStates({ historyLimit: 2, maxSeries: 10, store });
    const save = sinon.stub(store, 'save').throws(new Error('database is locked'));
    states.apply({ name: 'flappy', forSeconds: 0 }, on, 0);
    expect(() => states.save()).toThrow('database is locked');
    states.apply({ name: 'flappy', forSeconds: 0 }, off, 10_000);
    expect(() => states.save()).toThrow('database is locked');
    // Three transitions queued (pending, firing, resolved) against a limit of two.
    expect(states.unsavedDropped).toBe(1);

    save.restore();
    states.save();
    const resumed = createAlertStates({ historyLimit: 2, maxSeries: 10, store: open(file).alertHistory });
    expect(resumed.events(10).map((e) => e.to)).toEqual(['resolved', 'firing']);
    expect(resumed.series()).toEqual([expect.objectContaining({ rule: 'flappy', state: 'resolved', endsAtMs: 10_000 })]);
  });

  it('answers the events and states of before after the collector restarts on its database', async () => {
    let now = Date.parse('2026-11-10T09:00:00Z');
    // Evaluated by hand (the timer's interval is an hour), so the test decides when.
    const options = { ingest: { tickIntervalMs: 10_000 }, alerting: { evaluateIntervalMs: 3_600_000, rules: [{ name: 'csp-offline', kind: 'agent-offline' as const, silenceSeconds: 60 }] } };
    const path = join(dir.path, 'collector');
    const events = async (c: Collector) => (await c.http.inject({ method: 'GET', url: '/api/v1/alerting/events' })).json().events as { id: number; from: string | null; to: string }[];
    const firstRun = await startTestCollector(path, options, () => now);
    try {
      firstRun.store.upsertAgentStatus('csp-1', { state: 'offline' }, now);
      firstRun.alerting.evaluate(now);
      expect((await events(firstRun)).map((e) => [e.id, e.from, e.to])).toEqual([[2, 'pending', 'firing'], [1, null, 'pending']]);
    } finally {
      await firstRun.close();
    }
    const secondRun = await startTestCollector(path, options, () => now);
    try {
      expect((await events(secondRun)).map((e) => [e.id, e.from, e.to])).toEqual([[2, 'pending', 'firing'], [1, null, 'pending']]);
      const rules = (await secondRun.http.inject({ method: 'GET', url: '/api/v1/alerting/rules' })).json();
      expect(rules).toMatchObject({ firing: 1, rules: [{ state: 'firing', series: [{ labels: { agent: 'csp-1' }, state: 'firing' }] }] });
      // Still offline: the resumed series stays firing, no new transition; back online: resolved, id 3.
      now += 5000;
      secondRun.alerting.evaluate(now);
      expect(await events(secondRun)).toHaveLength(2);
      secondRun.store.upsertAgentStatus('csp-1', { state: 'online' }, now);
      secondRun.alerting.evaluate(now);
      expect((await events(secondRun))[0]).toMatchObject({ id: 3, from: 'firing', to: 'resolved' });
    } finally {
      await secondRun.close();
    }
  });
});
