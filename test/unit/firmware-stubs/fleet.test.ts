import { describe, expect, it } from 'vitest';
import { journeyKey } from '../../../agent/journey-key.js';
import type { FleetOptions } from '../../../firmware-stubs/fleet.js';
import { createFleet, defaultClockSpread, defaultInventory, defaultUsers } from '../../../firmware-stubs/fleet.js';
import { createRandom } from '../../../firmware-stubs/random.js';
import { contextProblem } from '../../../proto/hop-context.js';

const options = (rigs: number, more: Partial<FleetOptions> = {}): FleetOptions => ({
  rigs, users: defaultUsers, inventory: defaultInventory, clocks: defaultClockSpread, clockSteps: {}, ...more,
});

describe('fleet', () => {
  it('builds the same fleet from the same seed', () => {
    const strip = (seed: number) => {
      const f = createFleet(options(9), createRandom(seed));
      return { agents: f.agents, rigs: f.rigs.map((r) => [r.agentId, r.cspRegion, r.chEui, r.esme.eui, r.esme.deviceModel, r.gsme.firmwareVersion]) };
    };
    expect(strip(3)).toEqual(strip(3));
    expect(strip(3)).not.toEqual(strip(4));
  });

  it('has one gateway, one CSP per region and the rigs, with unique agent ids', () => {
    const f = createFleet(options(5), createRandom(1));
    expect(f.agents.map((a) => a.agentId)).toEqual(['dcc-gateway', 'csp-north', 'csp-central', 'csp-south', 'rig-001', 'rig-002', 'rig-003', 'rig-004', 'rig-005']);
  });

  it('spreads rigs over the three regions and every model, firmware and CH firmware version', () => {
    const f = createFleet(options(30), createRandom(1));
    expect(new Set(f.rigs.map((r) => r.cspRegion))).toEqual(new Set(['NORTH', 'CENTRAL', 'SOUTH']));
    expect(new Set(f.rigs.map((r) => `${r.esme.deviceModel}/${r.esme.firmwareVersion}`)).size).toBe(5);
    expect(new Set(f.rigs.map((r) => `${r.gsme.deviceModel}/${r.gsme.firmwareVersion}`)).size).toBe(4);
    expect(new Set(f.rigs.map((r) => r.chFirmwareVersion)).size).toBe(3);
    // Every region holds more than one ESME model, so region and model can be told apart.
    for (const region of ['NORTH', 'CENTRAL', 'SOUTH']) {
      expect(new Set(f.rigs.filter((r) => r.cspRegion === region).map((r) => r.esme.deviceModel)).size).toBeGreaterThan(1);
    }
  });

  it('gives every device and CH a unique EUI-64 with its manufacturer OUI, in DUIS form', () => {
    const f = createFleet(options(300), createRandom(2));
    const euis = f.rigs.flatMap((r) => [r.chEui, r.esme.eui, r.gsme.eui]);
    expect(new Set(euis).size).toBe(euis.length);
    for (const eui of euis) expect(eui).toMatch(/^[0-9A-F]{2}(-[0-9A-F]{2}){7}$/);
    const rig = f.rigs[0]!;
    const oui = defaultInventory.esme.find((m) => m.model === rig.esme.deviceModel)!.oui;
    expect(rig.esme.eui.startsWith(oui)).toBe(true);
    const key = `${defaultUsers[0]!.eui}:${rig.esme.eui}:1790000000000`;
    expect(journeyKey(key).toString()).toBe(key);
  });

  it('registers ESMEs to import suppliers and GSMEs to gas suppliers', () => {
    const f = createFleet(options(12), createRandom(1));
    expect(new Set(f.rigs.map((r) => r.esme.supplier.role))).toEqual(new Set(['IS']));
    expect(new Set(f.rigs.map((r) => r.gsme.supplier.role))).toEqual(new Set(['GS']));
  });

  it('gives rig contexts that the agent accepts, one shared object per device', () => {
    const f = createFleet(options(3), createRandom(1));
    const ctx = f.rigs[0]!.esme.context;
    expect(contextProblem(ctx as Record<string, unknown>)).toBeUndefined();
    expect(ctx).toMatchObject({ deviceType: 'ESME', smetsGeneration: 'SMETS2', chFirmwareVersion: f.rigs[0]!.chFirmwareVersion });
    expect(f.rigs[0]!.esme.context).toBe(ctx);
  });

  it('keeps clock errors within the spread of each role, and applies configured steps', () => {
    const steps = [{ atTrueUs: 1, stepUs: 2_000_000 }];
    const f = createFleet(options(50, { clockSteps: { 'rig-007': steps } }), createRandom(5));
    for (const a of f.agents) {
      const spread = defaultClockSpread[a.role];
      expect(Math.abs(a.clock.offsetUs)).toBeLessThanOrEqual(spread.maxOffsetMs * 1000);
      expect(Math.abs(a.clock.driftPpm)).toBeLessThanOrEqual(spread.maxDriftPpm);
    }
    expect(Math.max(...f.rigAgents.map((a) => Math.abs(a.clock.offsetUs)))).toBeGreaterThan(1_000_000);
    expect(f.rigAgents[6]!.clock.steps).toEqual(steps);
  });

  it('sets the drift of named agents and leaves every other clock as the seed makes it', () => {
    const plain = createFleet(options(6), createRandom(5));
    const f = createFleet(options(6, { clockDrifts: { 'rig-002': 500, 'dcc-gateway': 0 } }), createRandom(5));
    const drift = (fleet: typeof f, id: string) => fleet.agents.find((a) => a.agentId === id)!.clock;
    expect(drift(f, 'rig-002').driftPpm).toBe(500);
    expect(drift(f, 'dcc-gateway').driftPpm).toBe(0);
    expect(drift(f, 'rig-003')).toEqual(drift(plain, 'rig-003'));
    expect(drift(f, 'rig-002').offsetUs).toBe(drift(plain, 'rig-002').offsetUs);
    expect(() => createFleet(options(6, { clockDrifts: { 'rig-099': 1 } }), createRandom(5))).toThrow(/rig-099/);
  });

  it('gives every agent a perfect clock when the spreads are zero', () => {
    const zero = { maxOffsetMs: 0, maxDriftPpm: 0 };
    const f = createFleet(options(4, { clocks: { gateway: zero, csp: zero, rig: zero } }), createRandom(5));
    expect(f.agents.every((a) => a.clock.offsetUs === 0 && a.clock.driftPpm === 0)).toBe(true);
  });
});
