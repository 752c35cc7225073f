import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultClockModelOptions } from '../../../collector/clock/clock-model.js';
import { createClockRegistry, type ClockRegistry } from '../../../collector/clock/clock-registry.js';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import type { Store } from '../../../collector/store/store.js';

const T0 = Date.parse('2026-10-01T00:00:00Z') * 1000;

describe('clock registry', () => {
  let store: Store;
  let lines: { level: number; msg: string; agentId: string; driftPpm: number }[];
  let registry: ClockRegistry;

  /** One exchange a minute for `minutes`, from an agent whose clock runs `driftPpm` fast, over a 5 ms path. */
  const probe = (agentId: string, driftPpm: number, minutes: number) => {
    const clock = (t: number) => t + (driftPpm * (t - T0)) / 1e6;
    for (let t = T0; t < T0 + minutes * 60e6; t += 60e6) {
      registry.addSample(agentId, { t1Us: clock(t), t2Us: t + 3000, t3Us: t + 3050, t4Us: clock(t + 5050) }, t / 1000);
    }
  };

  beforeEach(() => {
    store = openSqliteStore({ file: ':memory:', synchronous: 'normal' });
    lines = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    registry = createClockRegistry(store, defaultClockModelOptions, pino({ level: 'info' }, sink));
  });
  afterEach(() => store.close());

  it('warns once when an agent\'s measured drift goes beyond the physical limit, with the drift as measured', () => {
    probe('rig-fast', 1500, 30);

    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ agentId: 'rig-fast', msg: expect.stringContaining('beyond the physical limit') });
    expect(Math.abs(warnings[0]!.driftPpm - 1500)).toBeLessThan(100);
    expect(registry.agentsBeyondDriftLimit).toBe(1);
  });

  it('says nothing about an agent drifting fast but within the limit', () => {
    probe('rig-500', 500, 30);

    expect(lines).toHaveLength(0);
    expect(registry.agentsBeyondDriftLimit).toBe(0);
    expect(registry.summaries(() => T0 + 1800e6)[0]!.driftPpm).toBeCloseTo(500, 0);
  });
});
