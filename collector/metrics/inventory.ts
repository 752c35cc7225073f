// A party's inventory at the end of a month (MP176 "Inventory reporting"): its estate is every
// device seen in its journeys up to the month's end (requests it originated, alerts addressed
// to it), each as its journeys last reported it (the latest month it was seen in, the latest
// journey of that month). From the estate:
//   - per device type, the devices, and how many device models and firmware versions;
//   - per device type, model and firmware version, the devices;
//   - per device model, the share of each firmware version among the party's devices of that
//     model, beside anonymised peers ("Peer 1..n": other parties of the User Role with that
//     model) and the industry (every party of the role, each device once, as last reported).
//     A row where fewer than minPeers other parties have the model shows the party alone
//     (peers.ts: with one or two peers the industry figure less your own would name them).
//     Peers are numbered by estate size, largest first; their device counts are not shown.
import { HopwatchError } from '../../common/error-codes.js';
import type { DeviceSighting } from '../store/ports/device-estate.js';
import { peerLabels } from './peers.js';
import { pct } from './rsvp.js';

export interface InventoryDevice {
  readonly device: string;
  readonly deviceType: string;
  readonly deviceModel: string;
  readonly firmwareVersion: string;
  readonly smets: string;
  readonly region: string;
  readonly userRole: string;
  /** Start of the latest journey that reached the device, ISO 8601. */
  readonly lastSeen: string;
}

export interface DeviceTypeRow {
  readonly deviceType: string;
  readonly devices: number;
  readonly models: number;
  readonly firmwareVersions: number;
}

export interface ModelFirmwareRow {
  readonly deviceType: string;
  readonly deviceModel: string;
  readonly firmwareVersion: string;
  readonly devices: number;
}

export interface FirmwareShare {
  readonly series: string;
  /** Only for "You" and "Industry". */
  readonly devices: number | null;
  readonly sharePct: number | null;
}

export interface FirmwareShareRow {
  readonly deviceType: string;
  readonly deviceModel: string;
  readonly firmwareVersion: string;
  readonly withheld: boolean;
  readonly series: readonly FirmwareShare[];
}

export interface Inventory {
  readonly party: string;
  readonly month: string;
  /** The User Role whose parties are the peers and the industry; null when the party's journeys named none. */
  readonly userRole: string | null;
  readonly devices: number;
  /** Other parties of the User Role with an estate. */
  readonly peers: number;
  readonly deviceTypes: readonly DeviceTypeRow[];
  readonly models: readonly ModelFirmwareRow[];
  readonly firmwareShares: readonly FirmwareShareRow[];
}

export interface InventoryQuery {
  readonly party: string;
  readonly month: string;
  readonly userRole?: string;
}

const SEP = '\u0001';
const modelId = (d: Pick<DeviceSighting, 'deviceType' | 'deviceModel'>) => `${d.deviceType}${SEP}${d.deviceModel}`;

/** The party's devices at the end of the month, as a data file (one row per device). */
export function estateDevices(estate: readonly DeviceSighting[]): InventoryDevice[] {
  return estate.map((d) => ({
    device: d.device, deviceType: d.deviceType, deviceModel: d.deviceModel, firmwareVersion: d.firmwareVersion,
    smets: d.smets, region: d.region, userRole: d.userRole, lastSeen: new Date(d.seenUs / 1000).toISOString(),
  }));
}

/** Role of the report: the one asked for, else the party's only one (parties acting in several must say). */
function roleOf(q: InventoryQuery, own: readonly DeviceSighting[]): string | null {
  const roles = new Set(own.map((d) => d.userRole).filter((r) => r !== ''));
  if (q.userRole !== undefined) {
    if (!roles.has(q.userRole)) throw new HopwatchError('HW_COLLECTOR_BAD_QUERY', `party ${q.party} has no devices in User Role ${q.userRole} by the end of ${q.month}`);
    return q.userRole;
  }
  if (roles.size > 1) throw new HopwatchError('HW_COLLECTOR_BAD_QUERY', `party ${q.party} acts in several User Roles (${[...roles].sort().join(', ')}): give userRole`);
  return roles.size === 1 ? [...roles][0]! : null;
}

const count = <T>(items: readonly T[], keyOf: (t: T) => string): Map<string, number> => {
  const out = new Map<string, number>();
  for (const t of items) out.set(keyOf(t), (out.get(keyOf(t)) ?? 0) + 1);
  return out;
};

/** `estate` is every party's estate at the end of the month (DeviceEstateStore.estateAt). */
export function inventory(estate: readonly DeviceSighting[], q: InventoryQuery, minPeers: number): Inventory {
  const own = estate.filter((d) => d.party === q.party);
  if (own.length === 0) throw new HopwatchError('HW_COLLECTOR_BAD_QUERY', `party ${q.party} has no devices on record by the end of ${q.month}`);
  const userRole = roleOf(q, own);

  const deviceTypes = [...new Set(own.map((d) => d.deviceType))].sort().map((deviceType) => {
    const of = own.filter((d) => d.deviceType === deviceType);
    return { deviceType, devices: of.length, models: new Set(of.map((d) => d.deviceModel)).size, firmwareVersions: new Set(of.map((d) => d.firmwareVersion)).size };
  });
  const models = [...count(own, (d) => `${modelId(d)}${SEP}${d.firmwareVersion}`)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, devices]) => {
    const [deviceType, deviceModel, firmwareVersion] = id.split(SEP) as [string, string, string];
    return { deviceType, deviceModel, firmwareVersion, devices };
  });

  // The role's parties, each device once in the industry (the party that saw it last reports it).
  const inRole = userRole === null ? [] : estate.filter((d) => d.userRole === userRole || d.party === q.party);
  const others = new Map<string, DeviceSighting[]>();
  for (const d of inRole) {
    if (d.party === q.party) continue;
    const list = others.get(d.party);
    if (list) list.push(d);
    else others.set(d.party, [d]);
  }
  const ranked = [...others].sort(([pa, a], [pb, b]) => b.length - a.length || (pa < pb ? -1 : 1)).map(([party]) => party);
  const labels = peerLabels(ranked);
  const industry = new Map<string, DeviceSighting>();
  for (const d of inRole) {
    const known = industry.get(d.device);
    if (known === undefined || d.seenUs > known.seenUs) industry.set(d.device, d);
  }

  const firmwareShares: FirmwareShareRow[] = [];
  for (const model of [...new Set(own.map(modelId))].sort()) {
    const ofModel = (ds: Iterable<DeviceSighting>) => [...ds].filter((d) => modelId(d) === model);
    const you = ofModel(own);
    const peers = ranked.map((party) => ({ label: labels.get(party)!, devices: ofModel(others.get(party)!) })).filter((p) => p.devices.length > 0);
    const all = ofModel(industry.values());
    const withheld = peers.length < minPeers;
    const versions = [...new Set([...you, ...(withheld ? [] : all)].map((d) => d.firmwareVersion))].sort();
    const [deviceType, deviceModel] = model.split(SEP) as [string, string];
    for (const firmwareVersion of versions) {
      const share = (series: string, ds: readonly DeviceSighting[], showDevices: boolean): FirmwareShare => {
        const on = ds.filter((d) => d.firmwareVersion === firmwareVersion).length;
        return { series, devices: showDevices ? on : null, sharePct: pct(on, ds.length) };
      };
      firmwareShares.push({
        deviceType, deviceModel, firmwareVersion, withheld,
        series: withheld ? [share('You', you, true)] : [share('You', you, true), ...peers.map((p) => share(p.label, p.devices, false)), share('Industry', all, true)],
      });
    }
  }
  return { party: q.party, month: q.month, userRole, devices: own.length, peers: ranked.length, deviceTypes, models, firmwareShares };
}
