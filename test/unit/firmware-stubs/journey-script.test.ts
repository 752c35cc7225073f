import { describe, expect, it } from 'vitest';
import type { JourneyScript, RequestFate } from '../../../firmware-stubs/journey-script.js';
import { chooseRequestFate, chooseSlowHanUs, scriptAlert, scriptRequest } from '../../../firmware-stubs/journey-script.js';
import type { LatencyProfile } from '../../../firmware-stubs/latency-model.js';
import { createLatencyModel } from '../../../firmware-stubs/latency-model.js';
import { createRandom } from '../../../firmware-stubs/random.js';
import { hopPointName } from '../../../proto/hop-point.js';

const T0 = Date.parse('2026-10-01T12:00:00Z') * 1000;
const KEY = '90-B3-D5-1F-30-01-00-00:00-DB-12-10-12-34-00-00:1790000000000';
const agents = { gateway: 'dcc-gateway', csp: 'csp-north', rig: 'rig-001' } as const;
const profile: LatencyProfile = {
  srv: '4.8.1', deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion: '2.1.0', chFirmwareVersion: 'CHF-1.3.1', cspRegion: 'NORTH',
};
const model = createLatencyModel();

const request = (fate: RequestFate, seed = 1) =>
  scriptRequest({ key: KEY, srv: '4.8.1', startUs: T0, profile, agents, fate }, model, createRandom(seed));
const points = (s: JourneyScript) => s.hops.map((h) => hopPointName(h.point));
const timeOf = (s: JourneyScript, name: string) => s.hops.find((h) => hopPointName(h.point) === name)?.trueUs;

const CHAIN = ['UG_IN', 'DSP_OUT', 'CSP_OUT', 'CH_IN', 'HAN_OUT', 'HAN_IN', 'CH_OUT', 'CSP_IN', 'DSP_IN', 'UG_OUT'];

describe('journey script', () => {
  it.each([1, 2, 3, 4, 5])('orders a successful request causally along the chain, with the ack after UG_IN (seed %i)', (seed) => {
    const s = request('success', seed);
    const chain = CHAIN.map((p) => timeOf(s, p)!);
    for (let i = 1; i < chain.length; i++) expect(chain[i]!).toBeGreaterThan(chain[i - 1]!);
    expect(timeOf(s, 'UG_ACK')!).toBeGreaterThan(timeOf(s, 'UG_IN')!);
    expect(s.hops.every((h, i) => i === 0 || s.hops[i - 1]!.trueUs <= h.trueUs)).toBe(true);
  });

  it('starts at UG_IN at the start time and ends with I0 after an I99 acknowledgement', () => {
    const s = request('success');
    expect(s.hops[0]).toMatchObject({ point: expect.any(Number), trueUs: T0, agentId: 'dcc-gateway' });
    expect(points(s)[0]).toBe('UG_IN');
    expect(s.hops.filter((h) => h.code !== undefined).map((h) => [hopPointName(h.point), h.code])).toEqual([['UG_ACK', 'I99'], ['UG_OUT', 'I0']]);
    expect(s).toMatchObject({ kind: 'request', srv: '4.8.1', outcome: 'success', code: 'I0' });
  });

  it('has each point stamped by the agent that owns it', () => {
    const byAgent = Object.fromEntries(request('success').hops.map((h) => [hopPointName(h.point), h.agentId]));
    expect(byAgent).toEqual({
      UG_IN: 'dcc-gateway', UG_ACK: 'dcc-gateway', DSP_OUT: 'dcc-gateway', DSP_IN: 'dcc-gateway', UG_OUT: 'dcc-gateway',
      CSP_OUT: 'csp-north', CSP_IN: 'csp-north', CH_IN: 'rig-001', HAN_OUT: 'rig-001', HAN_IN: 'rig-001', CH_OUT: 'rig-001',
    });
  });

  it('answers E20 without any CH or HAN hop, tens of seconds after UG_IN', () => {
    const s = request('E20');
    expect(new Set(points(s))).toEqual(new Set(['UG_IN', 'UG_ACK', 'DSP_OUT', 'CSP_OUT', 'DSP_IN', 'UG_OUT']));
    expect(s).toMatchObject({ outcome: 'failure', code: 'E20' });
    expect(s.hops.at(-1)).toMatchObject({ code: 'E20' });
    expect(timeOf(s, 'UG_OUT')! - T0).toBeGreaterThan(10_000_000);
  });

  it('answers E21 with HAN_OUT but no HAN_IN, the CH still answering', () => {
    const s = request('E21');
    expect(points(s)).toContain('HAN_OUT');
    expect(points(s)).not.toContain('HAN_IN');
    expect(points(s)).toEqual(expect.arrayContaining(['CH_OUT', 'CSP_IN', 'DSP_IN', 'UG_OUT']));
    expect(s).toMatchObject({ outcome: 'failure', code: 'E21' });
    expect(timeOf(s, 'CH_OUT')!).toBeGreaterThan(timeOf(s, 'HAN_OUT')!);
  });

  it.each([1, 2, 3, 4, 5, 6])('never gives a lost request its UG_OUT (seed %i)', (seed) => {
    const s = request('no-response', seed);
    expect(points(s)).not.toContain('UG_OUT');
    expect(points(s).slice(0, 1)).toEqual(['UG_IN']);
    expect(s).toMatchObject({ outcome: 'failure', reason: 'no-response' });
    expect(s.code).toBeUndefined();
  });

  it('delivers an alert from the rig through the CSP to the gateway, in order', () => {
    const s = scriptAlert({ key: KEY, alertCode: '0x8F72', raisedUs: T0, profile, agents, fate: 'delivered' }, model, createRandom(1));
    expect(points(s)).toEqual(['ALERT_RAISED', 'ALERT_CH_OUT', 'ALERT_CSP_IN', 'ALERT_UG_OUT']);
    expect(s.hops.map((h) => h.agentId)).toEqual(['rig-001', 'rig-001', 'csp-north', 'dcc-gateway']);
    expect(s.hops.every((h, i) => i === 0 || s.hops[i - 1]!.trueUs < h.trueUs)).toBe(true);
    expect(s).toMatchObject({ kind: 'alert', srv: '0x8F72', outcome: 'success' });
  });

  it('never delivers a lost alert', () => {
    const s = scriptAlert({ key: KEY, alertCode: 'N13', raisedUs: T0, profile, agents, fate: 'lost' }, model, createRandom(1));
    expect(points(s)).not.toContain('ALERT_UG_OUT');
    expect(s).toMatchObject({ outcome: 'failure', reason: 'no-response' });
  });

  it('chooses fates in proportion to the failure rates', () => {
    const random = createRandom(8);
    const rates = { e20Rate: 0.1, e21Rate: 0.2, noResponseRate: 0.05, alertLossRate: 0 };
    const counts: Record<string, number> = { success: 0, E20: 0, E21: 0, 'no-response': 0 };
    for (let i = 0; i < 20_000; i++) counts[chooseRequestFate(rates, random)]!++;
    expect(counts.E20! / 20_000).toBeCloseTo(0.1, 1);
    expect(counts.E21! / 20_000).toBeCloseTo(0.2, 1);
    expect(counts['no-response']! / 20_000).toBeCloseTo(0.05, 1);
    expect(counts.success! / 20_000).toBeCloseTo(0.65, 1);
  });

  it('gives a slow response the HAN leg it was handed, and leaves every later draw as it was', () => {
    const plan = { key: KEY, srv: '4.8.1', startUs: T0, profile, agents, fate: 'success' as const };
    const ordinary = scriptRequest(plan, model, createRandom(3));
    const slow = scriptRequest({ ...plan, hanUs: 5_000_000_000 }, model, createRandom(3));
    expect(timeOf(slow, 'HAN_IN')! - timeOf(slow, 'HAN_OUT')!).toBe(5_000_000_000);
    const shift = timeOf(slow, 'HAN_IN')! - timeOf(ordinary, 'HAN_IN')!;
    for (const p of ['CH_OUT', 'CSP_IN', 'DSP_IN', 'UG_OUT']) expect(timeOf(slow, p)! - timeOf(ordinary, p)!).toBe(shift);
  });

  it('makes the configured share of the configured SRVs slow, within the range', () => {
    const random = createRandom(12);
    const slow = { rate: 0.25, minMs: 600_000, maxMs: 5_500_000, srvs: ['4.8.1'] };
    const draws = Array.from({ length: 20_000 }, () => chooseSlowHanUs(slow, '4.8.1', random));
    const chosen = draws.filter((d) => d !== undefined);
    expect(chosen.length / draws.length).toBeCloseTo(0.25, 1);
    expect(chosen.every((us) => us >= 600e6 && us <= 5500e6)).toBe(true);
    expect(chooseSlowHanUs({ ...slow, rate: 1 }, '4.1.1', random)).toBeUndefined();
  });
});
