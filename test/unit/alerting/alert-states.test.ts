// The alert state machine: pending, firing after forSeconds, resolved, with history.
import { describe, expect, it } from 'vitest';
import { createAlertStates } from '../../../collector/alerting/alert-states.js';

const north = { region: 'NORTH' };
const on = (value = 1) => [{ labels: north, value, active: true }];
const off = [{ labels: north, value: 0, active: false }];
const rule = { name: 'north-down', forSeconds: 60 };

describe('alert states', () => {
  it('is pending while the condition holds for less than forSeconds, then fires once', () => {
    const s = createAlertStates({ historyLimit: 100, maxSeries: 10 });
    expect(s.apply(rule, on(), 0).fired).toEqual([]);
    expect(s.series()[0]).toMatchObject({ state: 'pending', sinceMs: 0 });
    expect(s.apply(rule, on(), 59_999).fired).toEqual([]);
    expect(s.apply(rule, on(3), 60_000).fired).toEqual([expect.objectContaining({ state: 'firing', startsAtMs: 60_000, value: 3 })]);
    expect(s.apply(rule, on(), 65_000).fired).toEqual([]);
    expect(s.firing).toBe(1);
  });

  it('resolves a firing series when its condition stops or the rule no longer reports it', () => {
    const s = createAlertStates({ historyLimit: 100, maxSeries: 10 });
    s.apply({ name: 'r', forSeconds: 0 }, on(), 0);
    expect(s.apply({ name: 'r', forSeconds: 0 }, off, 5000).resolved).toEqual([expect.objectContaining({ state: 'resolved', endsAtMs: 5000 })]);
    s.apply({ name: 'r', forSeconds: 0 }, on(), 10_000);
    expect(s.apply({ name: 'r', forSeconds: 0 }, [], 15_000).resolved).toHaveLength(1);
    expect(s.firing).toBe(0);
  });

  it('resolves a pending series without notifying, and starts pending afresh next time', () => {
    const s = createAlertStates({ historyLimit: 100, maxSeries: 10 });
    s.apply(rule, on(), 0);
    expect(s.apply(rule, off, 30_000)).toEqual({ fired: [], resolved: [] });
    s.apply(rule, on(), 40_000);
    expect(s.apply(rule, on(), 90_000).fired).toEqual([]);
    expect(s.apply(rule, on(), 100_000).fired).toHaveLength(1);
  });

  it('keeps the history of changes, newest first, at most historyLimit', () => {
    const s = createAlertStates({ historyLimit: 3, maxSeries: 10 });
    s.apply({ name: 'r' }, on(), 0);
    s.apply({ name: 'r' }, off, 1000);
    s.apply({ name: 'r' }, on(), 2000);
    expect(s.events(10).map((e) => [e.from, e.to, e.atMs])).toEqual([['pending', 'firing', 2000], ['resolved', 'pending', 2000], ['firing', 'resolved', 1000]]);
  });

  it('tracks at most maxSeries series and counts the rest', () => {
    const s = createAlertStates({ historyLimit: 100, maxSeries: 2 });
    s.apply({ name: 'r' }, ['a', 'b', 'c'].map((agent) => ({ labels: { agent }, value: 1, active: true })), 0);
    expect(s.series().map((x) => x.labels.agent)).toEqual(['a', 'b']);
    expect(s.untracked).toBe(1);
  });
});
