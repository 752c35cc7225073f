// A party's inventory at a month end (MP176 "Inventory reporting"), worked by hand: the estate
// is the devices its journeys reached up to then, each as last reported; firmware shares per
// model against anonymised peers and the industry of its User Role.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { estateDevices, inventory } from '../../../collector/metrics/inventory.js';
import type { DeviceTypeName } from '../../../proto/hop-context.js';
import { alert, harness, PARTY_A, PARTY_B, request, type Harness } from './harness.js';

const PARTY_C = '90-B3-D5-1F-30-03-00-00';
const PARTY_D = '90-B3-D5-1F-30-04-00-00';
const DNO = '90-B3-D5-1F-30-05-00-00';
const dev = (n: number) => `00-DB-12-34-56-78-90-${n.toString(16).toUpperCase().padStart(2, '0')}`;

describe('inventory', () => {
  let h: Harness;
  let minute = 0;
  beforeEach(() => {
    h = harness();
    minute = 0;
  });
  afterEach(() => h.close());

  const seen = (party: string, device: number, model: string, firmware: string, at = '2026-10-05', userRole = 'IS', deviceType: DeviceTypeName = 'ESME') => {
    const time = `${at}T09:${String(minute++ % 60).padStart(2, '0')}:00Z`;
    h.write([request({ at: time, srv: '4.1.1', party, device: dev(device), context: { userRole, deviceType, deviceModel: model, firmwareVersion: firmware } }, h.catalogue)]);
  };
  const estate = (month: string) => h.ports.estate.estateAt(month);

  it('counts the devices of each type, their models and firmware versions, at the month end', () => {
    seen(PARTY_A, 1, 'EM-A1', '1.0');
    seen(PARTY_A, 2, 'EM-A1', '1.1');
    seen(PARTY_A, 3, 'EM-B2', '1.0');
    seen(PARTY_A, 4, 'GM-A1', '2.0', '2026-10-06', 'IS', 'GSME');
    seen(PARTY_A, 1, 'EM-A1', '1.0'); // the same device again: still one
    const inv = inventory(estate('2026-10'), { party: PARTY_A, month: '2026-10' }, 3);
    expect(inv).toMatchObject({ party: PARTY_A, month: '2026-10', userRole: 'IS', devices: 4, peers: 0 });
    expect(inv.deviceTypes).toEqual([
      { deviceType: 'ESME', devices: 3, models: 2, firmwareVersions: 2 },
      { deviceType: 'GSME', devices: 1, models: 1, firmwareVersions: 1 },
    ]);
    expect(inv.models).toEqual([
      { deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion: '1.0', devices: 1 },
      { deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion: '1.1', devices: 1 },
      { deviceType: 'ESME', deviceModel: 'EM-B2', firmwareVersion: '1.0', devices: 1 },
      { deviceType: 'GSME', deviceModel: 'GM-A1', firmwareVersion: '2.0', devices: 1 },
    ]);
  });

  it('takes each device as last reported by the month end, and leaves out later months', () => {
    seen(PARTY_A, 1, 'EM-A1', '1.0', '2026-09-10');
    seen(PARTY_A, 1, 'EM-A1', '1.1', '2026-10-20'); // upgraded in October
    seen(PARTY_A, 2, 'EM-A1', '1.0', '2026-11-02'); // first seen in November
    expect(estateDevices(estate('2026-09')).map((d) => [d.device, d.firmwareVersion])).toEqual([[dev(1), '1.0']]);
    expect(estateDevices(estate('2026-10')).map((d) => [d.device, d.firmwareVersion])).toEqual([[dev(1), '1.1']]);
    expect(estateDevices(estate('2026-11')).map((d) => d.device)).toEqual([dev(1), dev(2)]);
  });

  it('counts a device an alert addressed to the party came from, keeping the User Role its requests gave', () => {
    seen(PARTY_A, 1, 'EM-A1', '1.0');
    h.write([alert({ at: '2026-10-05T10:00:00Z', code: '8F72', deliveryMs: 1000, user: PARTY_A, device: dev(2) }, h.catalogue)]);
    h.write([alert({ at: '2026-10-05T11:00:00Z', code: '8F72', deliveryMs: 1000, user: PARTY_A, device: dev(1) }, h.catalogue)]);
    const rows = estate('2026-10');
    expect(rows.map((d) => [d.device, d.userRole, d.deviceModel])).toEqual([[dev(1), 'IS', 'EM-A1'], [dev(2), '', '']]);
  });

  it('gives each device with all its fields in the data file', () => {
    seen(PARTY_A, 1, 'EM-A1', '1.0', '2026-10-05');
    expect(estateDevices(estate('2026-10'))).toEqual([{
      device: dev(1), deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion: '1.0', smets: 'SMETS2', region: 'NORTH', userRole: 'IS', lastSeen: '2026-10-05T09:00:00.000Z',
    }]);
  });

  /** EM-A1 devices: A 1.0, 1.0, 1.1 (3); B 1.1 ×2; C 1.0; D 2.0; a network operator's 9.9 is another role. */
  const estates = () => {
    seen(PARTY_A, 1, 'EM-A1', '1.0');
    seen(PARTY_A, 2, 'EM-A1', '1.0');
    seen(PARTY_A, 3, 'EM-A1', '1.1');
    seen(PARTY_B, 11, 'EM-A1', '1.1');
    seen(PARTY_B, 12, 'EM-A1', '1.1');
    seen(PARTY_C, 21, 'EM-A1', '1.0');
    seen(PARTY_D, 31, 'EM-A1', '2.0');
    seen(DNO, 41, 'EM-A1', '9.9', '2026-10-05', 'ED');
  };

  it('sets each firmware version\'s share of a model against peers (by estate size) and the industry of the role', () => {
    estates();
    const inv = inventory(estate('2026-10'), { party: PARTY_A, month: '2026-10' }, 3);
    expect(inv.peers).toBe(3);
    const shares = inv.firmwareShares.map((r) => [r.firmwareVersion, r.withheld, ...r.series.map((s) => `${s.series} ${s.devices ?? '-'} ${s.sharePct === null ? '-' : s.sharePct.toFixed(1)}`)]);
    // Industry (IS): 7 devices; 1.0 on 3, 1.1 on 3, 2.0 on 1. Peer 1 = B (2 devices), then C, D by EUI-64.
    expect(shares).toEqual([
      ['1.0', false, 'You 2 66.7', 'Peer 1 - 0.0', 'Peer 2 - 100.0', 'Peer 3 - 0.0', 'Industry 3 42.9'],
      ['1.1', false, 'You 1 33.3', 'Peer 1 - 100.0', 'Peer 2 - 0.0', 'Peer 3 - 0.0', 'Industry 3 42.9'],
      ['2.0', false, 'You 0 0.0', 'Peer 1 - 0.0', 'Peer 2 - 0.0', 'Peer 3 - 100.0', 'Industry 1 14.3'],
    ]);
  });

  it('never names another party', () => {
    estates();
    const text = JSON.stringify(inventory(estate('2026-10'), { party: PARTY_A, month: '2026-10' }, 3));
    for (const other of [PARTY_B, PARTY_C, PARTY_D, DNO]) expect(text).not.toContain(other);
  });

  it('shows the party alone for a model fewer than minPeers others have', () => {
    estates();
    const inv = inventory(estate('2026-10'), { party: PARTY_A, month: '2026-10' }, 4);
    expect(inv.firmwareShares.map((r) => [r.firmwareVersion, r.withheld, r.series.map((s) => s.series)])).toEqual([
      ['1.0', true, ['You']], ['1.1', true, ['You']],
    ]);
  });

  it('counts a device two parties of the role saw once in the industry, as the later sighting reports it', () => {
    seen(PARTY_A, 1, 'EM-A1', '1.0', '2026-10-01');
    seen(PARTY_B, 1, 'EM-A1', '1.1', '2026-10-09'); // gained by B and upgraded
    for (const p of [PARTY_C, PARTY_D]) seen(p, 50, 'EM-A1', '1.1');
    const inv = inventory(estate('2026-10'), { party: PARTY_A, month: '2026-10' }, 3);
    const industry = inv.firmwareShares.map((r) => [r.firmwareVersion, r.series.at(-1)]);
    expect(industry).toEqual([
      ['1.0', { series: 'Industry', devices: 0, sharePct: 0 }],
      ['1.1', { series: 'Industry', devices: 2, sharePct: 100 }],
    ]);
  });

  it('refuses a party with no devices by the month end, and asks a party in several roles for one', () => {
    seen(PARTY_A, 1, 'EM-A1', '1.0', '2026-11-01');
    expect(() => inventory(estate('2026-10'), { party: PARTY_A, month: '2026-10' }, 3)).toThrow(/no devices on record by the end of 2026-10/);
    seen(PARTY_A, 2, 'EM-A1', '1.0', '2026-11-02', 'ES');
    expect(() => inventory(estate('2026-11'), { party: PARTY_A, month: '2026-11' }, 3)).toThrow(/several User Roles \(ES, IS\)/);
    expect(inventory(estate('2026-11'), { party: PARTY_A, month: '2026-11', userRole: 'ES' }, 3).userRole).toBe('ES');
  });

  it('is refilled from the stored records when the rollups are rebuilt', () => {
    seen(PARTY_A, 1, 'EM-A1', '1.0');
    const before = estate('2026-10');
    h.ports.transaction(() => h.ports.rebuild.clearDerived());
    expect(estate('2026-10')).toEqual([]);
    // Other metric settings change the rollups' signature: the engine replays every record.
    harness({ store: h.store, config: { topUpRetryWindowHours: 47 } });
    expect(estate('2026-10')).toEqual(before);
  });
});
