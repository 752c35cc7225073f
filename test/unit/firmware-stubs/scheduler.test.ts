import { describe, expect, it } from 'vitest';
import { createRealtimeScheduler, createVirtualScheduler } from '../../../firmware-stubs/scheduler.js';
import { createRandom } from '../../../firmware-stubs/random.js';

const T0 = Date.parse('2026-10-01T12:00:00Z') * 1000;

describe('virtual scheduler', () => {
  it('runs events in true-time order, and same-time events in the order they were added', () => {
    const s = createVirtualScheduler({ startUs: T0 });
    const seen: string[] = [];
    s.at(T0 + 300, () => seen.push('c'));
    s.at(T0 + 100, () => seen.push('a'));
    s.at(T0 + 200, () => seen.push('b1'));
    s.at(T0 + 200, () => seen.push('b2'));

    s.runUntilIdle();

    expect(seen).toEqual(['a', 'b1', 'b2', 'c']);
  });

  it('keeps order over many thousands of pending events', () => {
    const s = createVirtualScheduler({ startUs: T0 });
    const r = createRandom(1);
    const seen: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const t = T0 + Math.floor(r.next() * 1e9);
      s.at(t, () => seen.push(t));
    }
    expect(s.pending).toBe(50_000);

    s.runUntilIdle();

    expect(seen).toHaveLength(50_000);
    expect(seen.every((t, i) => i === 0 || seen[i - 1]! <= t)).toBe(true);
  });

  it('reports each event\'s time as the current time while it runs', () => {
    const s = createVirtualScheduler({ startUs: T0 });
    const seen: number[] = [];
    s.at(T0 + 5_000_000, () => seen.push(s.nowUs()));
    s.at(T0 + 1_000_000, () => seen.push(s.nowUs()));

    s.runFor(10_000);

    expect(seen).toEqual([T0 + 1_000_000, T0 + 5_000_000]);
    expect(s.nowUs()).toBe(T0 + 10_000_000);
  });

  it('runs an event scheduled by another event in the same run when it is due', () => {
    const s = createVirtualScheduler({ startUs: T0 });
    const seen: string[] = [];
    s.at(T0 + 10, () => s.at(T0 + 20, () => seen.push('child')));

    expect(s.runUntil(T0 + 30)).toBe(2);
    expect(seen).toEqual(['child']);
  });

  it('leaves events after the horizon pending', () => {
    const s = createVirtualScheduler({ startUs: T0 });
    s.at(T0 + 2_000_000, () => undefined);

    expect(s.runFor(1000)).toBe(0);
    expect(s.pending).toBe(1);
    expect(s.nextUs()).toBe(T0 + 2_000_000);
  });

  it('stops early at maxEvents without moving time past the last event run', () => {
    const s = createVirtualScheduler({ startUs: T0 });
    for (let i = 1; i <= 5; i++) s.at(T0 + i, () => undefined);

    expect(s.runUntil(T0 + 100, 3)).toBe(3);
    expect(s.nowUs()).toBe(T0 + 3);
    expect(s.pending).toBe(2);
  });

  it('runs a day of true time without waiting on the wall clock', () => {
    const s = createVirtualScheduler({ startUs: T0 });
    let ran = 0;
    for (let h = 1; h <= 24; h++) s.at(T0 + h * 3_600_000_000, () => ran++);
    const wallStart = Date.now();

    s.runFor(24 * 3_600_000);

    expect(ran).toBe(24);
    expect(Date.now() - wallStart).toBeLessThan(1000);
  });

  it('runs an event given a past time at the current time', () => {
    const s = createVirtualScheduler({ startUs: T0 });
    s.runFor(1000);
    let at = 0;
    s.at(T0, () => (at = s.nowUs()));

    s.runUntilIdle();

    expect(at).toBe(T0 + 1_000_000);
  });

  it('drops pending events and ignores new ones once stopped', () => {
    const s = createVirtualScheduler({ startUs: T0 });
    let ran = 0;
    s.at(T0 + 1, () => ran++);
    s.stop();
    s.at(T0 + 2, () => ran++);

    s.runUntilIdle();

    expect(ran).toBe(0);
    expect(s.pending).toBe(0);
  });
});

describe('realtime scheduler', () => {
  it('fires due events in order on its timer, each seeing its own time as now', async () => {
    const s = createRealtimeScheduler();
    const start = s.nowUs();
    const seen: [string, number][] = [];
    const done = new Promise<void>((resolve) => {
      s.at(start + 40_000, () => { seen.push(['b', s.nowUs()]); resolve(); });
      s.at(start + 10_000, () => seen.push(['a', s.nowUs()]));
    });

    await done;
    s.stop();

    expect(seen).toEqual([['a', start + 10_000], ['b', start + 40_000]]);
    expect(s.nowUs()).toBeGreaterThanOrEqual(start + 40_000);
  });

  it('follows an injected wall clock and never runs backwards', () => {
    let wall = T0;
    const s = createRealtimeScheduler({ wallUs: () => wall });
    expect(s.nowUs()).toBe(T0);
    wall = T0 - 5_000_000;
    expect(s.nowUs()).toBe(T0);
    s.stop();
  });

  it('does not fire events after stop', async () => {
    const s = createRealtimeScheduler();
    let ran = 0;
    s.at(s.nowUs() + 5_000, () => ran++);
    s.stop();

    await new Promise((resolve) => setTimeout(resolve, 30));

    expect(ran).toBe(0);
  });
});
