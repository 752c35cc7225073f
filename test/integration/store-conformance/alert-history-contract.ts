// The contract every backend of AlertHistoryStore (collector/store/ports/alert-history.ts) must
// keep, as one suite run against each: a change is saved whole or not at all, series are
// replaced by key and forgotten on request, events come back newest first and only the newest
// are kept, and all of it is there again after the store is reopened.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEvent, AlertHistoryStore, AlertSeriesState } from '../../../collector/store/ports/alert-history.js';

export interface AlertHistoryBackend {
  readonly name: string;
  /** An empty store with the collector's schema; `reopen` closes it and opens the same database again. */
  open(): { history: AlertHistoryStore; reopen(): AlertHistoryStore; close(): void };
}

const T = Date.parse('2026-11-10T09:00:00Z');
const series = (key: string, over: Partial<AlertSeriesState> = {}): AlertSeriesState => ({
  key, rule: 'north-down', labels: { region: key }, state: 'pending', sinceMs: T, startsAtMs: null, endsAtMs: null, value: 5, ...over,
});
const event = (id: number, over: Partial<AlertEvent> = {}): AlertEvent => ({ id, atMs: T + id * 1000, rule: 'north-down', labels: { region: 'NORTH' }, from: null, to: 'pending', value: 5, ...over });
const none = { events: [], series: [], forgotten: [] };

export function alertHistoryContract(backend: AlertHistoryBackend): void {
  describe(`alert history on ${backend.name}`, () => {
    let opened: ReturnType<AlertHistoryBackend['open']>;
    let store: AlertHistoryStore;
    beforeEach(() => {
      opened = backend.open();
      store = opened.history;
    });
    afterEach(() => opened.close());

    it('starts empty', () => {
      expect(store.events(10)).toEqual([]);
      expect(store.series()).toEqual([]);
    });

    it('reads back events newest first, up to the limit, with labels, nulls and fractions as saved', () => {
      store.save({ ...none, events: [event(1), event(2, { from: 'pending', to: 'firing', value: 97.25 }), event(3, { from: 'firing', to: 'resolved', value: null, labels: { region: 'NORTH', srv: '4.1.1' } })] }, 100);
      expect(store.events(2)).toEqual([
        event(3, { from: 'firing', to: 'resolved', value: null, labels: { region: 'NORTH', srv: '4.1.1' } }),
        event(2, { from: 'pending', to: 'firing', value: 97.25 }),
      ]);
      expect(store.events(10).map((e) => e.id)).toEqual([3, 2, 1]);
    });

    it('replaces a series by its key, forgets the ones asked, and lists them in key order', () => {
      store.save({ ...none, series: [series('SOUTH'), series('NORTH'), series('CENTRAL')] }, 100);
      store.save({ events: [], series: [series('NORTH', { state: 'firing', sinceMs: T + 60_000, startsAtMs: T + 60_000, value: 0 })], forgotten: ['CENTRAL'] }, 100);
      expect(store.series()).toEqual([
        series('NORTH', { state: 'firing', sinceMs: T + 60_000, startsAtMs: T + 60_000, value: 0 }),
        series('SOUTH'),
      ]);
    });

    it('keeps only the newest events it is told to keep', () => {
      store.save({ ...none, events: [1, 2, 3, 4].map((id) => event(id)) }, 10);
      store.save({ ...none, events: [5, 6].map((id) => event(id)) }, 3);
      expect(store.events(10).map((e) => e.id)).toEqual([6, 5, 4]);
    });

    it('saves nothing of a change it cannot save whole', () => {
      store.save({ ...none, events: [event(1)], series: [series('NORTH')] }, 100);
      // Event 1 again: its id is taken, so the whole change is refused.
      expect(() => store.save({ events: [event(2), event(1)], series: [series('NORTH', { state: 'firing' }), series('SOUTH')], forgotten: [] }, 100)).toThrow();
      expect(store.events(10).map((e) => e.id)).toEqual([1]);
      expect(store.series()).toEqual([series('NORTH')]);
    });

    it('has it all again after the store is reopened', () => {
      store.save({ events: [event(1), event(2, { from: 'pending', to: 'firing' })], series: [series('NORTH', { state: 'firing', startsAtMs: T })], forgotten: [] }, 100);
      store = opened.reopen();
      expect(store.events(10).map((e) => [e.id, e.to])).toEqual([[2, 'firing'], [1, 'pending']]);
      expect(store.series()).toEqual([series('NORTH', { state: 'firing', startsAtMs: T })]);
    });
  });
}
