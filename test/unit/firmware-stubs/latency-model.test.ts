import { describe, expect, it } from 'vitest';
import type { LatencyProfile, LatencySegment } from '../../../firmware-stubs/latency-model.js';
import { createLatencyModel, defaultLatencyParameters, LATENCY_SEGMENTS } from '../../../firmware-stubs/latency-model.js';
import { createRandom } from '../../../firmware-stubs/random.js';

const esme: LatencyProfile = {
  srv: '4.1.1', deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion: '2.2.1', chFirmwareVersion: 'CHF-1.3.1', cspRegion: 'CENTRAL',
};
const model = createLatencyModel();
const N = 5000;

function mean(segment: LatencySegment, profile: LatencyProfile, seed = 1): number {
  const random = createRandom(seed);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += model.sample(segment, profile, random);
  return sum / N;
}

describe('latency model', () => {
  it('makes North WAN legs slower than Central and South on average, both ways', () => {
    for (const leg of ['wanDown', 'wanUp'] as const) {
      const north = mean(leg, { ...esme, cspRegion: 'NORTH' });
      expect(north).toBeGreaterThan(1.5 * mean(leg, { ...esme, cspRegion: 'CENTRAL' }));
      expect(north).toBeGreaterThan(1.5 * mean(leg, { ...esme, cspRegion: 'SOUTH' }));
    }
  });

  it('makes a GSME (through the GPF) slower on the HAN than an ESME', () => {
    expect(mean('han', { ...esme, deviceType: 'GSME', deviceModel: 'GM-A1', firmwareVersion: '4.1.0' })).toBeGreaterThan(2 * mean('han', esme));
  });

  it('makes profile data reads (4.8.1) slower on the HAN than register reads (4.1.1)', () => {
    expect(mean('han', { ...esme, srv: '4.8.1' })).toBeGreaterThan(1.5 * mean('han', esme));
  });

  it('makes older CH firmware slower in the CH', () => {
    expect(mean('chDown', { ...esme, chFirmwareVersion: 'CHF-1.2.0' })).toBeGreaterThan(mean('chDown', { ...esme, chFirmwareVersion: 'CHF-1.4.0' }));
  });

  it('makes older CH firmware slower on the HAN too, and newer faster', () => {
    expect(mean('han', { ...esme, chFirmwareVersion: 'CHF-1.2.0' })).toBeGreaterThan(1.1 * mean('han', esme));
    expect(mean('han', { ...esme, chFirmwareVersion: 'CHF-1.4.0' })).toBeLessThan(0.92 * mean('han', esme));
  });

  it('keeps the DSP acknowledgement between tens and a few hundred milliseconds typically', () => {
    const ack = mean('ack', esme);
    expect(ack).toBeGreaterThan(20_000);
    expect(ack).toBeLessThan(300_000);
  });

  it('keeps an E20 give-up in the tens of seconds', () => {
    const giveUp = mean('cspGiveUp', esme);
    expect(giveUp).toBeGreaterThan(10_000_000);
    expect(giveUp).toBeLessThan(60_000_000);
  });

  it('returns whole positive microseconds for every segment', () => {
    const random = createRandom(2);
    for (const segment of LATENCY_SEGMENTS) {
      for (let i = 0; i < 100; i++) {
        const us = model.sample(segment, esme, random);
        expect(Number.isInteger(us) && us >= 1).toBe(true);
      }
    }
  });

  it('gives the same draws for the same seed', () => {
    const a = createRandom(4);
    const b = createRandom(4);
    expect(LATENCY_SEGMENTS.map((s) => model.sample(s, esme, a))).toEqual(LATENCY_SEGMENTS.map((s) => model.sample(s, esme, b)));
  });

  it('treats a model or firmware missing from the factor tables as factor 1', () => {
    const unknown = { ...esme, deviceModel: 'EM-ZZ', firmwareVersion: '9.9.9' };
    const noFactors = createLatencyModel({ ...defaultLatencyParameters, deviceModelFactor: {}, deviceFirmwareFactor: {} });
    expect(model.sample('han', unknown, createRandom(3))).toBe(noFactors.sample('han', esme, createRandom(3)));
  });

  it('puts gateway and CSP agents milliseconds from the collector and rigs tens of milliseconds, each path asymmetric', () => {
    const medianOf = (role: 'gateway' | 'csp' | 'rig', leg: 'up' | 'down') => {
      const random = createRandom(4);
      const draws = Array.from({ length: 4001 }, () => model.probe(role, leg, random)).sort((a, b) => a - b);
      return draws[2000]! / 1000;
    };
    for (const role of ['gateway', 'csp'] as const) for (const leg of ['up', 'down'] as const) expect(medianOf(role, leg)).toBeLessThan(5);
    expect(medianOf('rig', 'up')).toBeGreaterThan(10);
    expect(medianOf('rig', 'down') / medianOf('rig', 'up')).toBeGreaterThan(1.3);
    expect(defaultLatencyParameters.probe).toBeDefined();
  });

  it('falls back to the default probe paths for latency parameters written without them', () => {
    const { probe: _probe, ...older } = defaultLatencyParameters;
    const random = () => createRandom(5);
    expect(createLatencyModel(older).probe('rig', 'down', random())).toBe(model.probe('rig', 'down', random()));
  });
});
