// What the simulated Users ask for and what the devices raise: a weighted SRV mix, a
// weighted alert mix, and the correlation keys of each journey. Counters follow the common
// DUIS habit of an epoch-millisecond counter (DOMAIN.md), kept strictly increasing per
// originator so keys never repeat, not even across runs against the same collector.
import type { DccUser, Device, Fleet, UserRole } from './fleet.js';
import type { HanDeviceType } from './latency-model.js';
import type { Random } from './random.js';
import { createWeightedChoice } from './random.js';

export interface SrvMixEntry {
  /** Must be an SRV of the collector's catalogue (test/unit/firmware-stubs checks the defaults). */
  readonly srv: string;
  readonly weight: number;
  /** User roles that send it; IS and ED address an ESME, GS a GSME. */
  readonly roles: readonly UserRole[];
  /** Sent by the device's registered supplier (so that the alerts the device raises after it, delivered to its supplier, follow it). */
  readonly bySupplier?: boolean;
}

export interface AlertMixEntry {
  /** Alert code, which hopwatch carries as the alert journey's `srv`. */
  readonly code: string;
  readonly weight: number;
  readonly devices: readonly HanDeviceType[];
}

export const defaultSrvMix: readonly SrvMixEntry[] = [
  { srv: '4.1.1', weight: 25, roles: ['IS', 'GS'] }, // Read Instantaneous Import Registers
  { srv: '4.8.1', weight: 10, roles: ['IS', 'ED'] }, // Read Active Import Profile Data
  { srv: '4.6.1', weight: 10, roles: ['IS', 'GS'] }, // Retrieve Import Daily Read Log
  { srv: '4.17', weight: 6, roles: ['IS', 'GS'] }, // Retrieve Daily Consumption Log
  { srv: '2.2', weight: 10, roles: ['IS', 'GS'] }, // Top Up Device
  { srv: '1.1.1', weight: 6, roles: ['IS', 'GS'] }, // Update Import Tariff (Primary Element)
  { srv: '6.2.7', weight: 5, roles: ['IS', 'GS', 'ED'] }, // Read Device Configuration (MPxN)
  { srv: '7.4', weight: 4, roles: ['IS', 'ED'] }, // Read Supply Status
  { srv: '11.2', weight: 3, roles: ['IS', 'GS'] }, // Read Firmware Version
  { srv: '8.1.1', weight: 1, roles: ['IS', 'GS'] }, // Commission Device
  // Update Firmware: the device answers with 0x8F72 or 0x8F1C (alert mix), or neither (MP122 DF2).
  { srv: '11.1', weight: 1, roles: ['IS', 'GS'], bySupplier: true },
];

export const defaultAlertMix: readonly AlertMixEntry[] = [
  { code: 'N16', weight: 4, devices: ['ESME', 'GSME'] }, // Device Identity Confirmation
  { code: 'N42', weight: 3, devices: ['ESME', 'GSME'] }, // Security Credentials Updated
  { code: 'N13', weight: 2, devices: ['ESME', 'GSME'] }, // Failure to receive Response from Device
  { code: '0x8F72', weight: 2, devices: ['ESME', 'GSME'] }, // firmware image verification success
  { code: '0x8F1C', weight: 1, devices: ['ESME', 'GSME'] }, // firmware image verification failure
  // Power Outage and Power Restoration Alerts (catalogue PO1, PR1), drawn apart: some outages are never restored (MP176).
  { code: 'PO1', weight: 1, devices: ['ESME'] },
  { code: 'PR1', weight: 1, devices: ['ESME'] },
];

const DEVICE_FOR_ROLE: Record<UserRole, HanDeviceType> = { IS: 'ESME', ED: 'ESME', GS: 'GSME' };

export interface RequestDraw {
  readonly key: string;
  readonly srv: string;
  readonly user: DccUser;
  readonly device: Device;
}

export interface AlertDraw {
  readonly key: string;
  readonly alertCode: string;
  /** The device's registered supplier, to whom the alert is delivered. */
  readonly user: DccUser;
  readonly device: Device;
}

export interface Traffic {
  nextRequest(trueUs: number): RequestDraw;
  nextAlert(trueUs: number): AlertDraw;
}

export interface TrafficOptions {
  readonly srvMix: readonly SrvMixEntry[];
  readonly alertMix: readonly AlertMixEntry[];
}

/** Per-originator key counters: epoch milliseconds, strictly increasing per originator. */
export function createKeyCounter(): (originator: string, trueUs: number) => number {
  const lastCounter = new Map<string, number>();
  return (originator, trueUs) => {
    const next = Math.max((lastCounter.get(originator) ?? 0) + 1, Math.floor(trueUs / 1000));
    lastCounter.set(originator, next);
    return next;
  };
}

export function createTraffic(fleet: Fleet, options: TrafficOptions, random: Random): Traffic {
  const sendersOf = new Map<string, readonly DccUser[]>();
  for (const entry of options.srvMix) {
    const senders = fleet.users.filter((u) => entry.roles.includes(u.role));
    if (senders.length === 0 && entry.weight > 0) {
      throw new RangeError(`SRV ${entry.srv} is sent by roles ${entry.roles.join(', ')}, but no User of the fleet has one`);
    }
    sendersOf.set(entry.srv, senders);
  }
  const chooseSrv = createWeightedChoice(options.srvMix.map((e) => ({ value: e.srv, weight: e.weight })));
  const bySupplier = new Set(options.srvMix.filter((e) => e.bySupplier).map((e) => e.srv));
  const chooseAlert = createWeightedChoice(options.alertMix.map((e) => ({ value: e, weight: e.weight })));
  const counter = createKeyCounter();
  const deviceOf = (type: HanDeviceType) => {
    const rig = random.pick(fleet.rigs);
    return type === 'ESME' ? rig.esme : rig.gsme;
  };

  return {
    nextRequest(trueUs) {
      const srv = chooseSrv(random);
      let user = random.pick(sendersOf.get(srv)!);
      const device = deviceOf(DEVICE_FOR_ROLE[user.role]);
      // The device's supplier has the drawn role's device type (IS: ESME, GS: GSME).
      if (bySupplier.has(srv)) user = device.supplier;
      return { key: `${user.eui}:${device.eui}:${counter(user.eui, trueUs)}`, srv, user, device };
    },
    nextAlert(trueUs) {
      const entry = chooseAlert(random);
      const device = deviceOf(random.pick(entry.devices));
      // Alert keys run device (originator) to User (target), with the device's own counter.
      return { key: `${device.eui}:${device.supplier.eui}:${counter(device.eui, trueUs)}`, alertCode: entry.code, user: device.supplier, device };
    },
  };
}
