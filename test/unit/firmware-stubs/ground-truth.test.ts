import { describe, expect, it } from 'vitest';
import { createGroundTruth } from '../../../firmware-stubs/ground-truth.js';
import type { JourneyScript, RequestFate } from '../../../firmware-stubs/journey-script.js';
import { scriptAlert, scriptRequest } from '../../../firmware-stubs/journey-script.js';
import type { LatencyProfile } from '../../../firmware-stubs/latency-model.js';
import { createLatencyModel } from '../../../firmware-stubs/latency-model.js';
import { createRandom } from '../../../firmware-stubs/random.js';
import { hopPointName } from '../../../proto/hop-point.js';

const T0 = Date.parse('2026-10-01T12:00:00Z') * 1000;
const agents = { gateway: 'dcc-gateway', csp: 'csp-south', rig: 'rig-003' } as const;
const profile: LatencyProfile = {
  srv: '4.1.1', deviceType: 'GSME', deviceModel: 'GM-A1', firmwareVersion: '4.0.2', chFirmwareVersion: 'CHF-1.2.0', cspRegion: 'SOUTH',
};
const model = createLatencyModel();
const keyOf = (n: number) => `90-B3-D5-1F-30-03-00-00:00-DB-12-30-12-34-00-02:${1790000000000 + n}`;
const request = (n: number, fate: RequestFate) =>
  scriptRequest({ key: keyOf(n), srv: '4.1.1', startUs: T0 + n, profile, agents, fate }, model, createRandom(n));
const at = (s: JourneyScript, name: string) => s.hops.find((h) => hopPointName(h.point) === name)!.trueUs;

describe('ground truth', () => {
  it('gives figures equal to the differences of the true hop times', () => {
    const truth = createGroundTruth();
    const s = request(1, 'success');
    truth.add(s);

    const t = truth.get(s.key)!;

    const rtt = at(s, 'UG_OUT') - at(s, 'UG_IN');
    const han = at(s, 'HAN_IN') - at(s, 'HAN_OUT');
    expect(t.figures).toEqual({
      rttUs: rtt,
      hanUs: han,
      dccUs: rtt - han,
      ackUs: at(s, 'UG_ACK') - at(s, 'UG_IN'),
      cspRoundTripUs: at(s, 'CSP_IN') - at(s, 'CSP_OUT'),
      chResidenceUs: at(s, 'CH_OUT') - at(s, 'CH_IN') - han,
    });
    expect(t).toMatchObject({ key: s.key, kind: 'request', srv: '4.1.1', outcome: 'success', code: 'I0', startedUs: T0 + 1, endedUs: at(s, 'UG_OUT') });
  });

  it('keeps every hop with its true time, agent and code', () => {
    const truth = createGroundTruth();
    const s = request(2, 'success');
    truth.add(s);

    expect(truth.get(s.key)!.hops).toEqual(s.hops.map((h) => ({
      point: hopPointName(h.point), agentId: h.agentId, trueUs: h.trueUs, ...(h.code ? { code: h.code } : {}),
    })));
  });

  it('lists the segments between consecutive chain points, which add up to the RTT', () => {
    const truth = createGroundTruth();
    const s = request(3, 'success');
    truth.add(s);

    const t = truth.get(s.key)!;

    expect(t.segments.map((g) => `${g.from}>${g.to}`)).toEqual([
      'UG_IN>DSP_OUT', 'DSP_OUT>CSP_OUT', 'CSP_OUT>CH_IN', 'CH_IN>HAN_OUT', 'HAN_OUT>HAN_IN',
      'HAN_IN>CH_OUT', 'CH_OUT>CSP_IN', 'CSP_IN>DSP_IN', 'DSP_IN>UG_OUT',
    ]);
    expect(t.segments.reduce((sum, g) => sum + g.us, 0)).toBe(t.figures.rttUs);
    expect(t.segments.find((g) => g.from === 'CSP_OUT')!.us).toBe(at(s, 'CH_IN') - at(s, 'CSP_OUT'));
  });

  it('records an E20 journey with its code, no HAN figure and segments that skip the CH', () => {
    const truth = createGroundTruth();
    const s = request(4, 'E20');
    truth.add(s);

    const t = truth.get(s.key)!;

    expect(t).toMatchObject({ outcome: 'failure', code: 'E20' });
    expect(t.figures.hanUs).toBeUndefined();
    expect(t.figures.rttUs).toBe(at(s, 'UG_OUT') - at(s, 'UG_IN'));
    expect(t.segments.map((g) => g.from)).toEqual(['UG_IN', 'DSP_OUT', 'CSP_OUT', 'DSP_IN']);
  });

  it('records a journey without UG_OUT as a failure for no response, without an RTT', () => {
    const truth = createGroundTruth();
    const s = request(5, 'no-response');
    truth.add(s);

    const t = truth.get(s.key)!;

    expect(t).toMatchObject({ outcome: 'failure', reason: 'no-response' });
    expect(t.code).toBeUndefined();
    expect(t.figures.rttUs).toBeUndefined();
  });

  it('gives an alert its delivery time', () => {
    const truth = createGroundTruth();
    const s = scriptAlert({ key: keyOf(6), alertCode: '0x8F72', raisedUs: T0, profile, agents, fate: 'delivered' }, model, createRandom(6));
    truth.add(s);

    const t = truth.get(s.key)!;

    expect(t).toMatchObject({ kind: 'alert', srv: '0x8F72', outcome: 'success' });
    expect(t.figures).toEqual({ alertDeliveryUs: at(s, 'ALERT_UG_OUT') - at(s, 'ALERT_RAISED') });
    expect(t.segments.map((g) => g.from)).toEqual(['ALERT_RAISED', 'ALERT_CH_OUT', 'ALERT_CSP_IN']);
  });

  it('holds 100k journeys, growing as needed, and iterates them in the order added', () => {
    const truth = createGroundTruth({ initialCapacity: 16 });
    const template = request(7, 'success');
    for (let n = 0; n < 100_000; n++) {
      truth.add({ ...template, key: keyOf(n), hops: template.hops.map((h) => ({ ...h, trueUs: h.trueUs + n })) });
    }

    expect(truth.size).toBe(100_000);
    expect(truth.get(keyOf(99_999))!.startedUs).toBe(T0 + 7 + 99_999);
    expect(truth.get(keyOf(0))!.figures.rttUs).toBe(at(template, 'UG_OUT') - at(template, 'UG_IN'));
    let count = 0;
    for (const key of truth.keys()) if (key === keyOf(count)) count++;
    expect(count).toBe(100_000);
  });

  it('makes room for a new journey by dropping the oldest once full, and counts it', () => {
    const truth = createGroundTruth({ maxJourneys: 3, initialCapacity: 2 });
    const scripts = [1, 2, 3, 4, 5].map((n) => request(n, n === 5 ? 'E21' : 'success'));
    for (const s of scripts) truth.add(s);

    expect(truth.size).toBe(3);
    expect(truth.evicted).toBe(2);
    expect([...truth.keys()]).toEqual([keyOf(3), keyOf(4), keyOf(5)]);
    expect(truth.get(keyOf(1))).toBeUndefined();
    const reused = truth.get(keyOf(5))!;
    expect(reused).toMatchObject({ code: 'E21', startedUs: T0 + 5 });
    expect(reused.hops.map((h) => h.point)).not.toContain('HAN_IN');
  });

  it('refuses the same journey twice', () => {
    const truth = createGroundTruth();
    const s = request(8, 'success');
    truth.add(s);
    expect(() => truth.add(s)).toThrow(/already/);
  });
});
