import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../collector/catalogue/catalogue.js';
import { buildRecord, type JourneyHops } from '../../../collector/join/journey-record.js';
import { decodeFigures, encodeFigures } from '../../../collector/store/figures-codec.js';
import { HopPoint } from '../../../proto/hop-point.js';

const catalogue = loadCatalogue();
const T0 = Date.parse('2026-10-05T09:00:00Z') * 1000;

/** A gateway-only 4.8.1 journey whose hops were mapped with the given drift-limit state. */
function recordMapped(driftBeyondLimit: boolean | undefined) {
  const times = [T0, T0 + 30e6];
  const hops: JourneyHops = {
    points: [HopPoint.UG_IN, HopPoint.UG_OUT], agentIds: ['gw', 'gw'], times, codes: [undefined, 'I0'],
    mapped: { us: times, uncertaintyUs: [500, 500], rateUncertainty: [1e-6, 1e-6], ...(driftBeyondLimit !== undefined && { driftBeyondLimit }) },
  };
  return buildRecord({ key: '90-B3-D5-1F-30-01-00-00:00-DB-12-34-56-78-90-A0:1', hops, context: { srv: '4.8.1' }, cause: 'final', amendments: 0 }, catalogue);
}

describe('records of an agent beyond the drift limit', () => {
  it('carry the drift-beyond-limit flag when a hop was mapped beyond the limit, and no flag otherwise', () => {
    expect(recordMapped(true).flags).toEqual(['drift-beyond-limit']);
    expect(recordMapped(false).flags).toEqual([]);
    expect(recordMapped(undefined).flags).toEqual([]);
  });

  it('keep the flag through the store\'s figures codec', () => {
    const record = recordMapped(true);
    expect(decodeFigures(encodeFigures(record)).flags).toEqual(['drift-beyond-limit']);
    expect(decodeFigures(encodeFigures(recordMapped(false))).flags).toEqual([]);
  });
});
