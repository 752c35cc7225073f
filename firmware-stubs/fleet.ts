// The simulated estate: one DCC gateway/DSP agent, one CSP gateway agent per region, and
// N Communications Hub test rigs, each a CH with an ESME and a GSME (through the GPF).
// Only the topology lives here (who exists, which EUI, which model and firmware, how far
// each agent's clock is off); fleet-agents.ts turns it into running agents.
import type { CspRegionName, JourneyContext } from '../proto/hop-context.js';
import { CSP_REGIONS } from '../proto/hop-context.js';
import type { AgentClockSpec, ClockStep } from './agent-clock.js';
import type { HanDeviceType } from './latency-model.js';
import type { Random } from './random.js';

export type AgentRole = 'gateway' | 'csp' | 'rig';
/** DUIS User roles the stubs send from: import supplier, gas supplier, electricity distributor. */
export type UserRole = 'IS' | 'GS' | 'ED';

export interface AgentSpec {
  readonly agentId: string;
  readonly role: AgentRole;
  readonly clock: AgentClockSpec;
}

export interface DccUser {
  readonly name: string;
  /** The originator EUI-64 of the User's requests and the target of alerts sent to it. */
  readonly eui: string;
  readonly role: UserRole;
}

export interface Device {
  readonly eui: string;
  readonly deviceType: HanDeviceType;
  readonly deviceModel: string;
  readonly firmwareVersion: string;
  /** The supplier the device is registered to: its alerts go there. */
  readonly supplier: DccUser;
  readonly rig: Rig;
  /** What the rig agent knows of every journey to this device (one object, so the encoder interns it). */
  readonly context: JourneyContext;
}

export interface Rig {
  readonly agentId: string;
  readonly cspRegion: CspRegionName;
  readonly chEui: string;
  readonly chFirmwareVersion: string;
  readonly esme: Device;
  readonly gsme: Device;
}

export interface Fleet {
  readonly gateway: AgentSpec;
  readonly csps: Readonly<Record<CspRegionName, AgentSpec>>;
  readonly rigAgents: readonly AgentSpec[];
  readonly rigs: readonly Rig[];
  readonly users: readonly DccUser[];
  /** Every agent: the gateway, the CSPs, then the rigs. */
  readonly agents: readonly AgentSpec[];
}

export interface DeviceModelSpec {
  readonly model: string;
  /** Manufacturer OUI, the first three bytes of the EUI-64 ("00-DB-12"). */
  readonly oui: string;
  readonly firmware: readonly string[];
}

export interface Inventory {
  readonly esme: readonly DeviceModelSpec[];
  readonly gsme: readonly DeviceModelSpec[];
  readonly chOui: string;
  readonly chFirmware: readonly string[];
}

/** Names match the factor tables in latency-model.ts. OUIs are illustrative. */
export const defaultInventory: Inventory = {
  esme: [
    { model: 'EM-A1', oui: '00-DB-12', firmware: ['2.1.0', '2.2.1'] },
    { model: 'EM-B2', oui: '00-1E-5E', firmware: ['3.0.4', '3.1.0'] },
    { model: 'EM-C3', oui: '70-B3-D5', firmware: ['1.7.2'] },
  ],
  gsme: [
    { model: 'GM-A1', oui: '00-DB-12', firmware: ['4.0.2', '4.1.0'] },
    { model: 'GM-B2', oui: 'FC-C2-3D', firmware: ['1.0.9', '1.1.3'] },
  ],
  chOui: '88-73-84',
  chFirmware: ['CHF-1.2.0', 'CHF-1.3.1', 'CHF-1.4.0'],
};

export const defaultUsers: readonly DccUser[] = [
  { name: 'import-supplier-a', eui: '90-B3-D5-1F-30-01-00-00', role: 'IS' },
  { name: 'import-supplier-b', eui: '90-B3-D5-1F-30-02-00-00', role: 'IS' },
  { name: 'gas-supplier-a', eui: '90-B3-D5-1F-30-03-00-00', role: 'GS' },
  { name: 'distributor-a', eui: '90-B3-D5-1F-30-04-00-00', role: 'ED' },
];

/**
 * The demo's Users: four per role, so that every party's MP176 report has at least
 * `metrics.peers.minPeers` (3) anonymised peers beside it.
 */
export const demoUsers: readonly DccUser[] = (['IS', 'GS', 'ED'] as const).flatMap((role, r) => [0, 1, 2, 3].map((i) => ({
  name: `${{ IS: 'import-supplier', GS: 'gas-supplier', ED: 'distributor' }[role]}-${'abcd'[i]}`,
  eui: `90-B3-D5-1F-3${r}-${String(i + 1).padStart(2, '0')}-00-00`,
  role,
})));

/** Clock errors are drawn uniformly in ±max for each agent of a role. */
export interface ClockSpread {
  readonly maxOffsetMs: number;
  readonly maxDriftPpm: number;
}

export interface FleetOptions {
  readonly rigs: number;
  readonly users: readonly DccUser[];
  readonly inventory: Inventory;
  readonly clocks: Readonly<Record<AgentRole, ClockSpread>>;
  /** Wall-clock steps by agent id. */
  readonly clockSteps: Readonly<Record<string, readonly ClockStep[]>>;
  /** Drift (ppm) of named agents, in place of their role's spread (a zero-drift agent, a fast one). */
  readonly clockDrifts?: Readonly<Record<string, number>>;
}

export const defaultClockSpread: Readonly<Record<AgentRole, ClockSpread>> = {
  gateway: { maxOffsetMs: 20, maxDriftPpm: 5 },
  csp: { maxOffsetMs: 250, maxDriftPpm: 20 },
  rig: { maxOffsetMs: 5000, maxDriftPpm: 100 },
};

export const GATEWAY_AGENT_ID = 'dcc-gateway';
export const cspAgentId = (region: CspRegionName) => `csp-${region.toLowerCase()}`;
export const rigAgentId = (index: number) => `rig-${String(index + 1).padStart(3, '0')}`;

export function createFleet(options: FleetOptions, random: Random): Fleet {
  const clockOf = (role: AgentRole, agentId: string): AgentClockSpec => {
    const spread = options.clocks[role];
    const offsetUs = Math.round(random.uniform(-1, 1) * spread.maxOffsetMs * 1000);
    // Drawn even when overridden, so the other agents' clocks stay as the seed makes them.
    const drawnPpm = random.uniform(-1, 1) * spread.maxDriftPpm;
    return { offsetUs, driftPpm: options.clockDrifts?.[agentId] ?? drawnPpm, steps: options.clockSteps[agentId] ?? [] };
  };
  const gateway: AgentSpec = { agentId: GATEWAY_AGENT_ID, role: 'gateway', clock: clockOf('gateway', GATEWAY_AGENT_ID) };
  const csps = Object.fromEntries(CSP_REGIONS.map((region) => {
    const agentId = cspAgentId(region);
    return [region, { agentId, role: 'csp', clock: clockOf('csp', agentId) } satisfies AgentSpec];
  })) as Record<CspRegionName, AgentSpec>;

  const n = options.rigs;
  const inv = options.inventory;
  const suppliers = (role: UserRole) => {
    const found = options.users.filter((u) => u.role === role);
    if (found.length === 0) throw new RangeError(`the fleet needs at least one User with role ${role} to register devices to`);
    return balanced(found, n, random);
  };
  const esmeKinds = balanced(modelsAndFirmware(inv.esme), n, random);
  const gsmeKinds = balanced(modelsAndFirmware(inv.gsme), n, random);
  const chFirmware = balanced(inv.chFirmware, n, random);
  const esmeSuppliers = suppliers('IS');
  const gsmeSuppliers = suppliers('GS');
  // Distinguishes this fleet's serial numbers from another seed's.
  const fleetSerial = random.int(0, 0x10000);

  const rigAgents: AgentSpec[] = [];
  const rigs: Rig[] = [];
  for (let i = 0; i < n; i++) {
    const agentId = rigAgentId(i);
    rigAgents.push({ agentId, role: 'rig', clock: clockOf('rig', agentId) });
    const rig = {
      agentId,
      // Round robin, so any three consecutive rigs cover every region.
      cspRegion: CSP_REGIONS[i % CSP_REGIONS.length]!,
      chEui: eui64(inv.chOui, 0x10, fleetSerial, i),
      chFirmwareVersion: chFirmware[i]!,
    } as { -readonly [K in keyof Rig]: Rig[K] };
    const device = (type: HanDeviceType, slot: number, kind: ModelAndFirmware, supplier: DccUser): Device => ({
      eui: eui64(kind.oui, slot, fleetSerial, i),
      deviceType: type,
      deviceModel: kind.model,
      firmwareVersion: kind.firmware,
      supplier,
      rig,
      context: Object.freeze({
        deviceType: type,
        deviceModel: kind.model,
        firmwareVersion: kind.firmware,
        chFirmwareVersion: rig.chFirmwareVersion,
        smetsGeneration: 'SMETS2',
      }),
    });
    rig.esme = device('ESME', 0x20, esmeKinds[i]!, esmeSuppliers[i]!);
    rig.gsme = device('GSME', 0x30, gsmeKinds[i]!, gsmeSuppliers[i]!);
    rigs.push(rig);
  }
  const agents = [gateway, ...Object.values(csps), ...rigAgents];
  for (const agentId of Object.keys(options.clockSteps)) {
    if (!agents.some((a) => a.agentId === agentId)) throw new RangeError(`clock steps given for ${JSON.stringify(agentId)}, which is not an agent of this fleet`);
  }
  for (const agentId of Object.keys(options.clockDrifts ?? {})) {
    if (!agents.some((a) => a.agentId === agentId)) throw new RangeError(`clock drift given for ${JSON.stringify(agentId)}, which is not an agent of this fleet`);
  }
  return { gateway, csps, rigAgents, rigs, users: options.users, agents };
}

interface ModelAndFirmware {
  readonly model: string;
  readonly oui: string;
  readonly firmware: string;
}

function modelsAndFirmware(specs: readonly DeviceModelSpec[]): ModelAndFirmware[] {
  const out = specs.flatMap((s) => s.firmware.map((firmware) => ({ model: s.model, oui: s.oui, firmware })));
  if (out.length === 0) throw new RangeError('the inventory needs at least one model with one firmware version per device type');
  return out;
}

/**
 * `n` values, each value as often as any other (±1), shuffled: every model, firmware and
 * supplier is represented, and no attribute is tied to another (or to the region).
 */
function balanced<T>(values: readonly T[], n: number, random: Random): T[] {
  const out = Array.from({ length: n }, (_, i) => values[i % values.length]!);
  for (let i = n - 1; i > 0; i--) {
    const j = random.int(0, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** OUI, then a serial: slot (CH, ESME, GSME), 16 bits of fleet serial, 16 bits of rig index. */
function eui64(oui: string, slot: number, fleetSerial: number, index: number): string {
  const bytes = [slot, fleetSerial >> 8, fleetSerial & 0xff, (index >> 8) & 0xff, index & 0xff];
  return `${oui}-${bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('-')}`;
}
