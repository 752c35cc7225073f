import { describe, expect, it } from 'vitest';
import { resolveSimulationOptions } from '../../../firmware-stubs/simulation-options.js';

const base = { brokerUrl: 'mqtt://127.0.0.1:1883', dataDir: '/tmp/x' };
const NOW = Date.parse('2026-10-01T12:00:00Z') * 1000;

describe('simulation options', () => {
  it('fills in defaults and freezes the result', () => {
    const o = resolveSimulationOptions(base, NOW);
    expect(o).toMatchObject({ mode: 'realtime', seed: 1, rigs: 12, startTrueUs: NOW, durationMs: Number.POSITIVE_INFINITY });
    expect(o.faults).toEqual({ duplicateRate: 0, reorderRate: 0, reorderMaxMs: 0, lateRate: 0, lateMaxMs: 0 });
    expect(o.slowResponses).toMatchObject({ rate: 0, srvs: ['4.8.1'] });
    expect(o.timeProbes).toBeUndefined();
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
    expect(bad).toThrow(/rigs 0 .*failures\.e21Rate 1\.5 .*faults\.lateMaxMs 0/);
  });

  it('names a fault option that does not exist, such as the old lateDelayMs', () => {
    const old = { lateRate: 0.1, lateDelayMs: 5000 } as unknown as { lateRate: number };
    expect(() => resolveSimulationOptions({ ...base, faults: old }, NOW)).toThrow(/faults\.lateDelayMs 5000 is not an option/);
  });

  it('needs a hold-back bound for reordered hops and at most every hop held back', () => {
    expect(() => resolveSimulationOptions({ ...base, faults: { reorderRate: 0.2 } }, NOW)).toThrow(/faults\.reorderMaxMs 0 must be > 0/);
    expect(() => resolveSimulationOptions({ ...base, faults: { reorderRate: 0.7, reorderMaxMs: 1, lateRate: 0.4, lateMaxMs: 1 } }, NOW))
      .toThrow(/reorderRate \+ lateRate\) 1\.1 must be at most 1/);
    expect(resolveSimulationOptions({ ...base, faults: { reorderRate: 0.2, reorderMaxMs: 5000, lateRate: 0.01, lateMaxMs: 600_000 } }, NOW).faults)
      .toEqual({ duplicateRate: 0, reorderRate: 0.2, reorderMaxMs: 5000, lateRate: 0.01, lateMaxMs: 600_000 });
  });

  it('merges slow responses over the defaults and refuses a range that runs backwards', () => {
    expect(resolveSimulationOptions({ ...base, slowResponses: { rate: 0.1 } }, NOW).slowResponses)
      .toEqual({ rate: 0.1, minMs: 60_000, maxMs: 5_500_000, srvs: ['4.8.1'] });
    expect(() => resolveSimulationOptions({ ...base, slowResponses: { rate: 0.1, minMs: 10_000, maxMs: 5000 } }, NOW))
      .toThrow(/slowResponses\.maxMs 5000 must be a finite number >= slowResponses\.minMs/);
  });

  it('checks time probe options', () => {
    const onSample = () => undefined;
    expect(resolveSimulationOptions({ ...base, timeProbes: { intervalMs: 10_000, onSample } }, NOW).timeProbes?.intervalMs).toBe(10_000);
    expect(() => resolveSimulationOptions({ ...base, timeProbes: { intervalMs: 0, onSample } }, NOW)).toThrow(/timeProbes\.intervalMs 0/);
  });

  it('allows clock offsets of ±5 s and drift of ±100 ppm for every role, and wall-clock steps by agent', () => {
    const wide = { maxOffsetMs: 5000, maxDriftPpm: 100 };
    const o = resolveSimulationOptions({
      ...base, clocks: { gateway: wide, csp: wide, rig: wide }, clockSteps: { 'dcc-gateway': [{ atTrueUs: NOW + 1e9, stepUs: 2e6 }] },
    }, NOW);
    expect(o.clocks).toEqual({ gateway: wide, csp: wide, rig: wide });
    expect(() => resolveSimulationOptions({ ...base, clockSteps: { 'rig-001': [{ atTrueUs: Number.NaN, stepUs: 1 }] } }, NOW))
      .toThrow(/clockSteps\.rig-001\[0\]/);
  });

  it('refuses failure rates that add up to more than all requests', () => {
    expect(() => resolveSimulationOptions({ ...base, failures: { e20Rate: 0.6, e21Rate: 0.6 } }, NOW)).toThrow(/at most 1/);
  });

  it('refuses a start time in realtime mode, where true time is wall time', () => {
    expect(() => resolveSimulationOptions({ ...base, startTrueUs: NOW }, NOW)).toThrow(/startTrueUs/);
    expect(resolveSimulationOptions({ ...base, mode: 'virtual', startTrueUs: NOW - 1 }, NOW).startTrueUs).toBe(NOW - 1);
  });
});
