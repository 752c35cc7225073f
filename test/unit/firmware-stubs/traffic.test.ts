import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journeyKey } from '../../../agent/journey-key.js';
import { createFleet, defaultClockSpread, defaultInventory, defaultUsers } from '../../../firmware-stubs/fleet.js';
import { createRandom } from '../../../firmware-stubs/random.js';
import { createTraffic, defaultAlertMix, defaultSrvMix } from '../../../firmware-stubs/traffic.js';

const catalogue = JSON.parse(readFileSync(new URL('../../../collector/catalogue/default-catalogue.json', import.meta.url), 'utf8')) as {
  srvs: { srv: string; kind: string }[];
  alertCodes: { code: string }[];
};
const T0 = Date.parse('2026-10-01T12:00:00Z') * 1000;
const fleet = createFleet({ rigs: 6, users: defaultUsers, inventory: defaultInventory, clocks: defaultClockSpread, clockSteps: {} }, createRandom(1));

describe('traffic', () => {
  it('sends only SRVs the catalogue knows as requests', () => {
    const requests = new Set(catalogue.srvs.filter((s) => s.kind === 'request').map((s) => s.srv));
    for (const { srv } of defaultSrvMix) expect(requests.has(srv), srv).toBe(true);
  });

  it('raises only alert codes the catalogue knows', () => {
    const codes = new Set(catalogue.alertCodes.map((a) => a.code));
    for (const { code } of defaultAlertMix) expect(codes.has(code), code).toBe(true);
  });

  it('addresses ESMEs from import suppliers and distributors and GSMEs from gas suppliers', () => {
    const traffic = createTraffic(fleet, { srvMix: defaultSrvMix, alertMix: defaultAlertMix }, createRandom(2));
    for (let i = 0; i < 500; i++) {
      const r = traffic.nextRequest(T0 + i);
      expect(r.device.deviceType).toBe(r.user.role === 'GS' ? 'GSME' : 'ESME');
      expect(defaultSrvMix.find((e) => e.srv === r.srv)!.roles).toContain(r.user.role);
    }
  });

  it('makes request keys User:device:counter with epoch-millisecond counters that never repeat', () => {
    const traffic = createTraffic(fleet, { srvMix: defaultSrvMix, alertMix: defaultAlertMix }, createRandom(3));
    const keys = Array.from({ length: 2000 }, () => traffic.nextRequest(T0));
    expect(new Set(keys.map((k) => k.key)).size).toBe(2000);
    const first = keys[0]!;
    expect(first.key).toBe(`${first.user.eui}:${first.device.eui}:${T0 / 1000}`);
    expect(journeyKey(first.key).toString()).toBe(first.key);
  });

  it('makes alert keys device:supplier:counter', () => {
    const traffic = createTraffic(fleet, { srvMix: defaultSrvMix, alertMix: defaultAlertMix }, createRandom(4));
    const a = traffic.nextAlert(T0);
    expect(a.key).toBe(`${a.device.eui}:${a.device.supplier.eui}:${T0 / 1000}`);
    expect(a.user).toBe(a.device.supplier);
  });

  it('sends an SR marked bySupplier (11.1) from the device\'s own supplier, so its verification alert follows it', () => {
    const traffic = createTraffic(fleet, { srvMix: [{ srv: '11.1', weight: 1, roles: ['IS', 'GS'], bySupplier: true }], alertMix: defaultAlertMix }, createRandom(5));
    const draws = Array.from({ length: 200 }, (_, i) => traffic.nextRequest(T0 + i));
    for (const r of draws) expect(r.user).toBe(r.device.supplier);
    expect(new Set(draws.map((r) => r.user.eui)).size).toBeGreaterThan(1);
  });

  it('refuses an SRV mix that no User of the fleet can send', () => {
    const users = defaultUsers.filter((u) => u.role !== 'ED');
    const f = createFleet({ rigs: 3, users, inventory: defaultInventory, clocks: defaultClockSpread, clockSteps: {} }, createRandom(1));
    expect(() => createTraffic(f, { srvMix: [{ srv: '4.8.1', weight: 1, roles: ['ED'] }], alertMix: defaultAlertMix }, createRandom(1))).toThrow(/4\.8\.1/);
  });
});
