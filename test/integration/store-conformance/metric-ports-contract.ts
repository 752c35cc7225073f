// The contract every backend of the metric ports (collector/store/ports) must keep, as one
// suite run against each: writes read back, upserts are idempotent where the port says so,
// a failed transaction leaves nothing, and read-only ports read but refuse every write.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordWrite } from '../../../collector/join/joiner.js';
import { loadCatalogue } from '../../../collector/catalogue/catalogue.js';
import type { MetricPorts } from '../../../collector/store/ports/metric-ports.js';
import type { DeviceSighting } from '../../../collector/store/ports/device-estate.js';
import type { FailureLink } from '../../../collector/store/ports/failure-links.js';
import type { SequenceEvent } from '../../../collector/store/ports/sequence-events.js';
import type { GroupFields } from '../../../collector/store/ports/rollup-groups.js';
import { request, writeOf } from '../../unit/metrics/harness.js';

export interface OpenedBackend {
  readonly ports: MetricPorts;
  /** Stores journey records the way ingest does (the rebuild source reads them). */
  storeRecords(writes: readonly RecordWrite[]): void;
  close(): void;
}

export interface MetricPortsBackend {
  readonly name: string;
  /** Empty ports with the collector's schema. */
  open(): OpenedBackend;
  /** Read-only ports on what `opened` stored, after it closed; absent when the backend cannot reopen (memory). */
  readonly reopenReadonly?: (closed: OpenedBackend) => { ports: MetricPorts; close(): void };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const bytes = (...values: number[]) => Uint8Array.from(values);
const group = (over: Partial<GroupFields> = {}): GroupFields => ({
  kind: 'request', srv: '4.1.1', region: 'NORTH', smets: 'SMETS2', deviceType: '', deviceModel: 'EM-A1', firmwareVersion: '',
  chFirmwareVersion: '', userRole: 'IS', party: '90-B3-D5-1F-30-01-00-00', tag: '', ...over,
});

export function metricPortsContract(backend: MetricPortsBackend): void {
  describe(`metric ports on ${backend.name}`, () => {
    let b: OpenedBackend;
    let p: MetricPorts;
    beforeEach(() => {
      b = backend.open();
      p = b.ports;
    });
    afterEach(() => b.close());

    describe('rollups', () => {
      it('keeps appended facts in order until they are dropped, and counts their records', () => {
        p.rollups.appendFacts(2, bytes(1, 2));
        p.rollups.appendFacts(3, bytes(3));
        const [first, second] = p.rollups.pendingFacts();
        expect([Buffer.from(first!.data), Buffer.from(second!.data)]).toEqual([Buffer.from([1, 2]), Buffer.from([3])]);
        expect(p.rollups.pendingFactCount()).toBe(5);
        p.rollups.dropFacts([first!.id]);
        expect(p.rollups.pendingFacts().map((f) => f.id)).toEqual([second!.id]);
        expect(p.rollups.pendingFactCount()).toBe(3);
      });

      it('gives the fold its turn with the generation saved last', () => {
        expect(p.rollups.takeFoldTurn()).toBe(0);
        p.rollups.saveFoldGeneration(7);
        expect(p.rollups.takeFoldTurn()).toBe(7);
      });

      it('replaces a row part saved twice, and drops it', () => {
        const key = { level: 0, startMs: 10 * HOUR, srv: '4.1.1' };
        p.rollups.saveRowPart(key, 1, 0, 4, bytes(1));
        p.rollups.saveRowPart(key, 1, 0, 5, bytes(2));
        p.rollups.saveRowPart(key, 0, 0, 5, bytes(3));
        expect(p.rollups.rowParts(key).map((d) => Buffer.from(d)).sort(Buffer.compare)).toEqual([Buffer.from([2]), Buffer.from([3])]);
        expect(p.rollups.rowCount()).toBe(2);
        p.rollups.dropRowPart(key, 0);
        expect(p.rollups.rowParts(key).map((d) => Buffer.from(d))).toEqual([Buffer.from([2])]);
      });

      it('finds hour rows by SRV and range, the days rows belong to, and the first hour', () => {
        for (const h of [0, 5, 23, 24]) p.rollups.saveRowPart({ level: 0, startMs: h * HOUR, srv: 'a' }, 1, h < 24 ? 0 : DAY, 1, bytes(h));
        p.rollups.saveRowPart({ level: 0, startMs: 3 * HOUR, srv: 'b' }, 1, 0, 1, bytes(99));
        expect(p.rollups.hourRowsOf('a', 0, DAY).map((d) => d[0]).sort((x, y) => x! - y!)).toEqual([0, 5, 23]);
        expect(p.rollups.rowDays().sort((x, y) => x.dayMs - y.dayMs || x.srv.localeCompare(y.srv))).toEqual([
          { level: 0, dayMs: 0, srv: 'a' }, { level: 0, dayMs: 0, srv: 'b' }, { level: 0, dayMs: DAY, srv: 'a' },
        ]);
        expect(p.rollups.firstHourMs()).toBe(0);
        expect(p.rollups.rowCount(0)).toBe(5);
        expect(p.rollups.rowCount(1)).toBe(0);
      });

      it('reads day rows by part and SRV, and no hour rows of a compacted day', () => {
        for (const srv of ['a', 'b']) {
          p.rollups.saveRowPart({ level: 0, startMs: 2 * HOUR, srv }, 1, 0, 1, bytes(1));
          p.rollups.saveRowPart({ level: 0, startMs: DAY + 2 * HOUR, srv }, 1, DAY, 1, bytes(2));
        }
        // Day 0 of 'a' is compacted.
        p.rollups.saveRowPart({ level: 1, startMs: 0, srv: 'a' }, 1, 0, 1, bytes(3));
        p.rollups.saveRowPart({ level: 1, startMs: 0, srv: 'a' }, 0, 0, 1, bytes(4));
        const rows = (it: Iterable<{ startMs: number; srv: string }>) => [...it].map((r) => [r.startMs, r.srv]).sort((x, y) => String(x).localeCompare(String(y)));
        expect(rows(p.rollups.dayRows(0, DAY, { part: 1 }))).toEqual([[0, 'a']]);
        expect(rows(p.rollups.dayRows(0, DAY, { part: 1, srvs: ['b'] }))).toEqual([]);
        expect(rows(p.rollups.uncompactedHourRows(0, 2 * DAY, 0, DAY, { part: 1 }))).toEqual([[2 * HOUR, 'b'], [DAY + 2 * HOUR, 'a'], [DAY + 2 * HOUR, 'b']]);
        expect(rows(p.rollups.uncompactedHourRows(0, 2 * DAY, 0, DAY, { part: 1, srvs: ['a'] }))).toEqual([[DAY + 2 * HOUR, 'a']]);
      });

      it('keeps where queries start reading hour rows', () => {
        expect(p.rollups.openFrom()).toBeUndefined();
        p.rollups.saveOpenFrom(DAY);
        expect(p.rollups.openFrom()).toBe(DAY);
        p.rollups.saveOpenFrom('none');
        expect(p.rollups.openFrom()).toBe('none');
      });
    });

    describe('groups', () => {
      it('numbers groups from 1 and reads them, or one field of them, after an id', () => {
        expect([p.groups.addGroup('s1', group()), p.groups.addGroup('s2', group({ deviceModel: 'EM-B2' }))]).toEqual([1, 2]);
        expect(p.groups.groupsAfter(0)).toEqual([{ id: 1, signature: 's1', fields: group() }, { id: 2, signature: 's2', fields: group({ deviceModel: 'EM-B2' }) }]);
        expect(p.groups.groupsAfter(1).map((g) => g.id)).toEqual([2]);
        expect(p.groups.fieldAfter('deviceModel', 0)).toEqual(['EM-A1', 'EM-B2']);
      });

      it('refuses a signature it already has', () => {
        p.groups.addGroup('s1', group());
        expect(() => p.groups.addGroup('s1', group())).toThrow();
      });

      it('numbers the next group without a gap after an add that was rolled back', () => {
        p.groups.addGroup('s1', group());
        expect(() => p.transaction(() => {
          p.groups.addGroup('s2', group());
          throw new Error('disk full');
        })).toThrow('disk full');
        expect(p.groups.addGroup('s3', group({ deviceModel: 'EM-C3' }))).toBe(2);
        expect(p.groups.fieldAfter('deviceModel', 0)).toEqual(['EM-A1', 'EM-C3']);
      });

      it('stores failure reasons by id', () => {
        const id = p.groups.addReason('unable-to-communicate');
        expect(p.groups.reasons()).toEqual([{ id, reason: 'unable-to-communicate' }]);
      });
    });

    describe('sequence state', () => {
      it('keeps the latest start of each SRV a device received', () => {
        p.sequence.noteDeviceEvent('d1', '8.1.1', 200);
        p.sequence.noteDeviceEvent('d1', '8.1.1', 100);
        p.sequence.noteDeviceEvent('d1', '6.23', 50);
        expect(p.sequence.deviceEvents('d1').sort((x, y) => x.srv.localeCompare(y.srv))).toEqual([{ srv: '6.23', lastUs: 50 }, { srv: '8.1.1', lastUs: 200 }]);
        expect(p.sequence.deviceEvents('d2')).toEqual([]);
      });

      it('replaces a device\'s top-up state', () => {
        expect(p.sequence.topUp('d1')).toBeUndefined();
        p.sequence.saveTopUp('d1', { lastUs: 1, attempt: 1, failed: true });
        p.sequence.saveTopUp('d1', { lastUs: 2, attempt: 2, failed: false });
        expect(p.sequence.topUp('d1')).toEqual({ lastUs: 2, attempt: 2, failed: false });
      });

      it('saves, replaces and drops a record\'s tag', () => {
        p.sequence.saveTag('k', 1, 'attr:a');
        p.estate.noteSightings([{ party: 'p', device: 'd', month: '2026-10', seenUs: 1, userRole: '', smets: '', region: '', deviceType: '', deviceModel: '', firmwareVersion: '' }]);
        p.sequence.saveTag('k', 1, 'attr:b');
        expect(p.sequence.tagOf('k', 1)).toBe('attr:b');
        p.sequence.dropTag('k', 1);
        expect(p.sequence.tagOf('k', 1)).toBeUndefined();
      });
    });

    describe('clock-mapped starts', () => {
      // A start on the collector's clock has a fraction of a microsecond (collector/clock/clock-model.ts).
      const us = 1_759_654_800_123_456.25;
      it('keep a start with a fraction as it was given, in the sequence state and Change of Supplier', () => {
        p.sequence.saveTag('k', us, 'attr:a');
        p.sequence.noteDeviceEvent('d1', '8.1.1', us);
        p.sequence.saveTopUp('d1', { lastUs: us, attempt: 1, failed: true });
        p.cos.saveRequest({ key: 'k', startedUs: us, groupId: 1, device: 'd1', party: 'A', success: false, reasonId: 1 });
        p.cos.rescue('d1', 'A', us + 0.5, us, us + 1);
        expect(p.sequence.tagOf('k', us)).toBe('attr:a');
        expect(p.sequence.tagOf('k', us + 0.25)).toBeUndefined();
        expect(p.sequence.deviceEvents('d1')).toEqual([{ srv: '8.1.1', lastUs: us }]);
        expect(p.sequence.topUp('d1')).toEqual({ lastUs: us, attempt: 1, failed: true });
        expect(p.cos.requestsBetween(us, us + 1)).toEqual([{ startedUs: us, groupId: 1, success: false, reasonId: 1, rescuedUs: us + 0.5 }]);
      });
    });

    describe('Change of Supplier', () => {
      const cos = { key: 'k1', startedUs: 1000, groupId: 1, device: 'd1', party: 'A', success: false, reasonId: 2 };
      it('updates a request saved again, and rescues only failures of the same device and party within the window', () => {
        p.cos.saveRequest({ ...cos, reasonId: 1 });
        p.cos.saveRequest(cos);
        p.cos.saveRequest({ ...cos, key: 'k2', party: 'B' });
        p.cos.saveRequest({ ...cos, key: 'k3', startedUs: 100 });
        expect(p.cos.unrescuedFailures()).toEqual([{ device: 'd1', lastUs: 1000 }]);
        p.cos.rescue('d1', 'A', 1500, 500, 1500);
        const stored = p.cos.requestsBetween(0, 2000).sort((x, y) => x.startedUs - y.startedUs || Number(x.rescuedUs) - Number(y.rescuedUs));
        expect(stored).toEqual([
          { startedUs: 100, groupId: 1, success: false, reasonId: 2, rescuedUs: null },
          { startedUs: 1000, groupId: 1, success: false, reasonId: 2, rescuedUs: null },
          { startedUs: 1000, groupId: 1, success: false, reasonId: 2, rescuedUs: 1500 },
        ]);
        p.cos.dropRequest('k1', 1000);
        expect(p.cos.requestsBetween(500, 2000)).toHaveLength(1);
      });
    });

    describe('activity evidence', () => {
      it('adds activity per region and minute, retractions included', () => {
        p.activity.addActivity('NORTH', { minuteMs: 60_000, requests: 3, answered: 2 });
        p.activity.addActivity('NORTH', { minuteMs: 60_000, requests: -1, answered: -1 });
        p.activity.addActivity('SOUTH', { minuteMs: 60_000, requests: 9, answered: 9 });
        expect(p.activity.activityBetween('NORTH', 0, 120_000)).toEqual([{ minuteMs: 60_000, requests: 2, answered: 1 }]);
        expect(p.activity.activityBetween('NORTH', 120_000, 180_000)).toEqual([]);
      });

      it('keeps a probe regional once it was', () => {
        p.activity.saveProbe({ agentId: 'csp-1', region: 'NORTH', regional: true });
        p.activity.saveProbe({ agentId: 'csp-1', region: 'NORTH', regional: false });
        p.activity.saveProbe({ agentId: 'gw', region: 'NORTH', regional: false });
        expect(p.activity.probesOf('NORTH').sort((x, y) => x.agentId.localeCompare(y.agentId))).toEqual([
          { agentId: 'csp-1', region: 'NORTH', regional: true }, { agentId: 'gw', region: 'NORTH', regional: false },
        ]);
        expect(p.activity.probes()).toHaveLength(2);
      });

      it('extends a heartbeat interval saved again, and finds intervals by overlap', () => {
        p.activity.saveHeartbeat({ agentId: 'a', fromMs: 0, toMs: 10 });
        p.activity.saveHeartbeat({ agentId: 'a', fromMs: 0, toMs: 20 });
        p.activity.saveHeartbeat({ agentId: 'a', fromMs: 100, toMs: 110 });
        expect(p.activity.lastHeartbeats()).toEqual([{ agentId: 'a', fromMs: 100, toMs: 110 }]);
        expect(p.activity.heartbeatsOverlapping('a', 15, 105).sort((x, y) => x.fromMs - y.fromMs)).toEqual([{ fromMs: 0, toMs: 20 }, { fromMs: 100, toMs: 110 }]);
        expect(p.activity.heartbeatsOverlapping('a', 20, 100)).toEqual([]);
      });

      it('keeps heartbeat times with the fraction the collector clock gives them', () => {
        p.activity.saveHeartbeat({ agentId: 'a', fromMs: 1795908611737.8843, toMs: 1795908612737.25 });
        expect(p.activity.lastHeartbeats()).toEqual([{ agentId: 'a', fromMs: 1795908611737.8843, toMs: 1795908612737.25 }]);
      });
    });

    describe('operations log', () => {
      it('adds, finds by overlap and removes maintenance windows', () => {
        const w = p.operations.addMaintenance({ region: 'NORTH', fromMs: 100, toMs: 200, description: 'upgrade' });
        expect(p.operations.maintenance(150, 300)).toEqual([w]);
        expect(p.operations.maintenance(200, 300)).toEqual([]);
        expect(p.operations.removeMaintenance(w.id)).toBe(true);
        expect(p.operations.removeMaintenance(w.id)).toBe(false);
      });

      it('adds, updates and finds open incidents', () => {
        const i = p.operations.addIncident({ category: 2, region: null, service: 'DCC User Interface', startedMs: 100, resolvedMs: null, description: '' });
        expect(p.operations.incidents(1000, 2000)).toEqual([i]);
        expect(p.operations.updateIncident(i.id, { resolvedMs: 500 })).toEqual({ ...i, resolvedMs: 500 });
        expect(p.operations.incident(i.id)?.resolvedMs).toBe(500);
        expect(p.operations.incidents(1000, 2000)).toEqual([]);
        expect(p.operations.updateIncident(i.id + 1, { resolvedMs: 1 })).toBeUndefined();
      });
    });

    describe('device estate', () => {
      const sighting = (over: Partial<DeviceSighting> = {}): DeviceSighting => ({
        party: 'P1', device: 'D1', month: '2026-10', seenUs: 100, userRole: 'IS', smets: 'SMETS2', region: 'NORTH',
        deviceType: 'ESME', deviceModel: 'EM-A1', firmwareVersion: '1.0', ...over,
      });

      it('keeps the latest sighting per party, device and month, an empty field never replacing a known one', () => {
        p.estate.noteSightings([sighting(), sighting({ seenUs: 300, firmwareVersion: '1.1', userRole: '' }), sighting({ seenUs: 200, firmwareVersion: '0.9' })]);
        expect(p.estate.estateAt('2026-10')).toEqual([sighting({ seenUs: 300, firmwareVersion: '1.1' })]);
      });

      it('gives each party\'s devices as of their latest month up to the one asked for', () => {
        p.estate.noteSightings([
          sighting(), sighting({ month: '2026-11', seenUs: 900, firmwareVersion: '2.0' }),
          sighting({ party: 'P2', device: 'D2', month: '2026-09', seenUs: 50 }),
        ]);
        expect(p.estate.estateAt('2026-10').map((d) => [d.party, d.device, d.firmwareVersion])).toEqual([['P1', 'D1', '1.0'], ['P2', 'D2', '1.0']]);
        expect(p.estate.estateAt('2026-11', 'P1').map((d) => d.firmwareVersion)).toEqual(['2.0']);
        expect(p.estate.estateAt('2026-08')).toEqual([]);
      });
    });

    describe('sequence events', () => {
      const event = (over: Partial<SequenceEvent> = {}): SequenceEvent => ({ key: 'D1:P1:1', startedUs: 100, device: 'D1', party: 'P1', code: 'N16', success: true, ...over });

      it('gives events of the codes asked for in a range, by device then start, one per key and start', () => {
        p.sequenceEvents.noteEvents([
          event({ key: 'k3', device: 'D2', startedUs: 50 }), event({ key: 'k2', startedUs: 200, code: 'N42' }), event({ key: 'k1' }),
          event({ key: 'k1', success: false }), event({ key: 'k4', code: '11.1', startedUs: 300 }),
        ]);
        expect(p.sequenceEvents.events(['N16', 'N42'], 0, 1000).map((e) => [e.key, e.success])).toEqual([['k1', false], ['k2', true], ['k3', true]]);
        expect(p.sequenceEvents.events(['N16', '11.1'], 100, 300).map((e) => e.key)).toEqual(['k1']);
        p.sequenceEvents.dropEvent('k1', 100);
        expect(p.sequenceEvents.events(['N16'], 0, 1000).map((e) => e.key)).toEqual(['k3']);
      });
    });

    describe('failure links', () => {
      const link = (over: Partial<FailureLink> = {}): FailureLink => ({
        alertKey: 'D1:P1:1', alertStartedUs: 100, device: 'D1', party: 'P1', code: 'N13', requestKey: null, requestSrv: null, requestStartedUs: null, ...over,
      });

      it('keeps the latest request per User and device', () => {
        const req = { party: 'P1', device: 'D1', key: 'P1:D1:1', srv: '4.1.1', startedUs: 50 };
        p.failureLinks.noteRequests([req, { ...req, key: 'P1:D1:0', startedUs: 40 }]);
        expect(p.failureLinks.lastRequest('P1', 'D1')).toEqual(req);
        p.failureLinks.noteRequests([{ ...req, key: 'P1:D1:2', startedUs: 60 }]);
        expect(p.failureLinks.lastRequest('P1', 'D1')?.key).toBe('P1:D1:2');
        expect(p.failureLinks.lastRequest('P1', 'D2')).toBeUndefined();
      });

      it('replaces a link saved twice, and finds links by device and by time', () => {
        p.failureLinks.saveLinks([link(), link({ alertKey: 'D2:P1:1', device: 'D2', alertStartedUs: 300 })]);
        p.failureLinks.saveLinks([link({ requestKey: 'P1:D1:1', requestSrv: '4.1.1', requestStartedUs: 50 })]);
        expect(p.failureLinks.linksOfDevices(['D1'], 0)).toEqual([link({ requestKey: 'P1:D1:1', requestSrv: '4.1.1', requestStartedUs: 50 })]);
        expect(p.failureLinks.linksOfDevices(['D1', 'D2'], 101).map((l) => l.alertKey)).toEqual(['D2:P1:1']);
        expect(p.failureLinks.links(0, 300).map((l) => l.alertKey)).toEqual(['D1:P1:1']);
      });
    });

    describe('rebuild source', () => {
      it('keeps the signature, and gives stored records back in write order with their context and hops', () => {
        const catalogue = loadCatalogue();
        expect(p.rebuild.signature()).toBeUndefined();
        expect(p.rebuild.hasRecords()).toBe(false);
        const records = ['09:00', '09:01', '09:02'].map((t) => request({ at: `2026-10-05T${t}:00Z`, srv: '4.1.1', context: { deviceModel: 'EM-A1' } }, catalogue));
        b.storeRecords(records.map((r) => writeOf(r)));
        p.rebuild.saveSignature('abc');
        expect(p.rebuild.signature()).toBe('abc');
        expect(p.rebuild.hasRecords()).toBe(true);
        const first = p.rebuild.recordsAfter(0, 2);
        expect(first.map((r) => r.key)).toEqual(records.slice(0, 2).map((r) => r.key));
        expect(first[0]).toMatchObject({ reason: null, amendments: 0, context: records[0]!.context, hops: { points: records[0]!.hops.points, times: records[0]!.hops.times } });
        expect(p.rebuild.recordsAfter(first[1]!.id, 2).map((r) => r.key)).toEqual([records[2]!.key]);
      });

      it('empties what is derived and keeps what operators declared', () => {
        p.rollups.appendFacts(1, bytes(1));
        p.rollups.saveRowPart({ level: 0, startMs: 0, srv: 'a' }, 1, 0, 1, bytes(1));
        p.sequence.saveTag('k', 1, 'attr:a');
        p.activity.saveProbe({ agentId: 'a', region: 'NORTH', regional: true });
        p.activity.saveHeartbeat({ agentId: 'a', fromMs: 0, toMs: 10 });
        p.groups.addGroup('s1', group());
        const w = p.operations.addMaintenance({ region: null, fromMs: 0, toMs: 10, description: '' });
        p.rebuild.clearDerived();
        expect([p.rollups.pendingFactCount(), p.rollups.rowCount(), p.sequence.tagOf('k', 1), p.activity.probes(), p.estate.estateAt('2026-10')]).toEqual([0, 0, undefined, [], []]);
        expect(p.activity.lastHeartbeats()).toHaveLength(1);
        expect(p.groups.groupsAfter(0)).toHaveLength(1);
        expect(p.operations.maintenance(0, 10)).toEqual([w]);
      });
    });

    describe('sequence state and Change of Supplier inside a transaction', () => {
      const cos = { key: 'k1', startedUs: 1000, groupId: 1, device: 'd1', party: 'A', success: false, reasonId: 2 };
      const state = () => ({
        events: p.sequence.deviceEvents('d1').sort((x, y) => x.srv.localeCompare(y.srv)),
        topUp: p.sequence.topUp('d1'),
        tags: [p.sequence.tagOf('k', 1), p.sequence.tagOf('k', 2)],
        cos: p.cos.requestsBetween(0, 2000),
      });

      it('reads what the transaction wrote so far, over what was committed before, and keeps it', () => {
        p.sequence.noteDeviceEvent('d1', '8.1.1', 100);
        p.sequence.saveTag('k', 1, 'attr:a');
        const read = p.transaction(() => {
          p.sequence.prefetch?.(['d1', 'd2'], [{ key: 'k', startedUs: 1 }]);
          p.sequence.noteDeviceEvent('d1', '8.1.1', 50);
          p.sequence.noteDeviceEvent('d1', '6.23', 70);
          p.sequence.saveTopUp('d1', { lastUs: 1, attempt: 1, failed: true });
          p.sequence.saveTopUp('d1', { lastUs: 2, attempt: 2, failed: false });
          p.sequence.dropTag('k', 1);
          p.sequence.saveTag('k', 2, 'attr:b');
          p.cos.saveRequest(cos);
          return state();
        });
        const expected = {
          events: [{ srv: '6.23', lastUs: 70 }, { srv: '8.1.1', lastUs: 100 }],
          topUp: { lastUs: 2, attempt: 2, failed: false },
          tags: [undefined, 'attr:b'],
          cos: [{ startedUs: 1000, groupId: 1, success: false, reasonId: 2, rescuedUs: null }],
        };
        expect(read).toEqual(expected);
        expect(state()).toEqual(expected);
      });

      it('keeps none of it when the transaction throws, nor what a rolled-back savepoint wrote', () => {
        p.sequence.saveTag('k', 1, 'attr:a');
        expect(() => p.transaction(() => {
          p.sequence.noteDeviceEvent('d1', '8.1.1', 100);
          p.sequence.saveTopUp('d1', { lastUs: 1, attempt: 1, failed: true });
          p.sequence.dropTag('k', 1);
          p.cos.saveRequest(cos);
          throw new Error('disk full');
        })).toThrow('disk full');
        p.transaction(() => {
          p.sequence.saveTag('k', 2, 'attr:b');
          expect(() => p.transaction(() => {
            p.sequence.noteDeviceEvent('d1', '8.1.1', 100);
            p.cos.saveRequest(cos);
            throw new Error('disk full');
          })).toThrow('disk full');
        });
        expect(state()).toEqual({ events: [], topUp: undefined, tags: ['attr:a', 'attr:b'], cos: [] });
      });

      it('rescues a request saved earlier in the transaction, and not one saved after the rescue', () => {
        p.transaction(() => {
          p.cos.saveRequest(cos);
          p.cos.rescue('d1', 'A', 1500, 500, 1600);
          p.cos.rescue('d1', 'A', 1400, 500, 1600);
          p.cos.saveRequest({ ...cos, key: 'k2', startedUs: 1100 });
          p.cos.rescue('d1', 'B', 1500, 500, 1600);
        });
        expect(p.cos.requestsBetween(0, 2000).map((r) => r.rescuedUs)).toEqual([1500, null]);
      });
    });

    describe('transactions', () => {
      it('keeps nothing of a transaction that throws', () => {
        expect(() => p.transaction(() => {
          p.rollups.appendFacts(1, bytes(1));
          p.groups.addGroup('s1', group());
          throw new Error('disk full');
        })).toThrow('disk full');
        expect([p.rollups.pendingFactCount(), p.groups.groupsAfter(0)]).toEqual([0, []]);
      });

      it('returns what a consistent read returns', () => {
        p.rollups.appendFacts(4, bytes(1));
        expect(p.readConsistently(() => p.rollups.pendingFactCount())).toBe(4);
      });

      it('reads, inside a transaction, what the transaction wrote so far', () => {
        const counts = p.transaction(() => {
          p.rollups.appendFacts(4, bytes(1));
          const read = p.readConsistently(() => p.rollups.pendingFactCount());
          p.rollups.appendFacts(1, bytes(2));
          return [read, p.rollups.pendingFactCount()];
        });
        expect(counts).toEqual([4, 5]);
      });
    });

    const reopen = backend.reopenReadonly;
    if (reopen) {
      describe('read-only', () => {
        it('reads what was written, and refuses every write', () => {
          p.rollups.appendFacts(2, bytes(7));
          p.groups.addGroup('s1', group());
          const w = p.operations.addMaintenance({ region: null, fromMs: 0, toMs: 10, description: '' });
          b.close();
          const ro = reopen(b);
          b = { ...b, close: ro.close };
          const r = ro.ports;
          expect(r.readonly).toBe(true);
          expect([r.rollups.pendingFactCount(), r.groups.groupsAfter(0).length, r.operations.maintenance(0, 10)]).toEqual([2, 1, [w]]);
          const writes: (() => unknown)[] = [
            () => r.rollups.appendFacts(1, bytes(1)),
            () => r.rollups.saveRowPart({ level: 0, startMs: 0, srv: 'a' }, 1, 0, 1, bytes(1)),
            () => r.rollups.saveOpenFrom('none'),
            () => r.groups.addGroup('s2', group()),
            () => r.groups.addReason('x'),
            () => r.sequence.saveTag('k', 1, 't'),
            () => r.estate.noteSightings([{ party: 'p', device: 'd', month: '2026-10', seenUs: 1, userRole: '', smets: '', region: '', deviceType: '', deviceModel: '', firmwareVersion: '' }]),
            () => r.sequenceEvents.noteEvents([{ key: 'k', startedUs: 1, device: 'd', party: 'p', code: 'N16', success: true }]),
            () => r.failureLinks.noteRequests([{ party: 'p', device: 'd', key: 'k', srv: '4.1.1', startedUs: 1 }]),
            () => r.cos.saveRequest({ key: 'k', startedUs: 1, groupId: 1, device: 'd', party: 'p', success: true, reasonId: 0 }),
            () => r.activity.saveProbe({ agentId: 'a', region: 'NORTH', regional: true }),
            () => r.operations.addMaintenance({ region: null, fromMs: 0, toMs: 1, description: '' }),
            () => r.operations.removeMaintenance(w.id),
            () => r.rebuild.saveSignature('x'),
            () => r.rebuild.clearDerived(),
          ];
          for (const write of writes) expect(write).toThrow();
          expect(r.operations.maintenance(0, 10)).toEqual([w]);
        });
      });
    }
  });
}
