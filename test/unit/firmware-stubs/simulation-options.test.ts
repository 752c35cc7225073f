import { describe, expect, it } from 'vitest';
import { resolveSimulationOptions } from '../../../firmware-stubs/simulation-options.js';

const base = { brokerUrl: 'mqtt://127.0.0.1:1883', dataDir: '/tmp/x' };
const NOW = Date.parse('2026-10-01T12:00:00Z') * 1000;

describe('simulation options', () => {
  it('fills in defaults and freezes the result', () => {
    const o = resolveSimulationOptions(base, NOW);
    expect(o).toMatchObject({ mode: 'realtime', seed: 1, rigs: 12, startTrueUs: NOW, durationMs: Number.POSITIVE_INFINITY });
    expect(o.faults).toEqual({ duplicateRate: 0, lateRate: 0, lateDelayMs: 0 });
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('merges partial nested options over the defaults', () => {
    const o = resolveSimulationOptions({ ...base, failures: { e20Rate: 0.5 }, clocks: { rig: { maxOffsetMs: 0, maxDriftPpm: 0 } } }, NOW);
    expect(o.failures).toMatchObject({ e20Rate: 0.5, e21Rate: 0.02 });
    expect(o.clocks.rig).toEqual({ maxOffsetMs: 0, maxDriftPpm: 0 });
    expect(o.clocks.gateway.maxOffsetMs).toBeGreaterThan(0);
  });

  it('names every bad option and its value in one HW_STUBS_OPTIONS error', () => {
    const bad = () => resolveSimulationOptions({ ...base, rigs: 0, failures: { e21Rate: 1.5 }, faults: { lateRate: 0.1 } }, NOW);
    expect(bad).toThrow(expect.objectContaining({ code: 'HW_STUBS_OPTIONS' }));
    expect(bad).toThrow(/rigs 0 .*failures\.e21Rate 1\.5 .*faults\.lateDelayMs 0/);
  });

  it('refuses failure rates that add up to more than all requests', () => {
    expect(() => resolveSimulationOptions({ ...base, failures: { e20Rate: 0.6, e21Rate: 0.6 } }, NOW)).toThrow(/at most 1/);
  });

  it('refuses a start time in realtime mode, where true time is wall time', () => {
    expect(() => resolveSimulationOptions({ ...base, startTrueUs: NOW }, NOW)).toThrow(/startTrueUs/);
    expect(resolveSimulationOptions({ ...base, mode: 'virtual', startTrueUs: NOW - 1 }, NOW).startTrueUs).toBe(NOW - 1);
  });
});
