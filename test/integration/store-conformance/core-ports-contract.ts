// The contract every backend of the core Store (collector/store/ports: batch log, journey
// records, open-journey checkpoints, clock models, agent statuses) must keep, as one suite
// run against each: resends are recognised, reads come back in the promised order, a journey
// written again stays one row, and a failed transaction leaves nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../../collector/catalogue/catalogue.js';
import { ClockModel, defaultClockModelOptions } from '../../../collector/clock/clock-model.js';
import { JoinKey } from '../../../collector/join/join-key.js';
import type { RecordWrite } from '../../../collector/join/joiner.js';
import type { JourneyRecord } from '../../../collector/join/journey-record.js';
import { Journey } from '../../../collector/join/journey.js';
import { stateOf, type OpenJourneyState } from '../../../collector/join/open-journey-state.js';
import type { Checkpoint } from '../../../collector/join/open-journeys.js';
import type { NewBatch } from '../../../collector/store/ports/batch-log.js';
import type { Store } from '../../../collector/store/store.js';
import { HopPoint } from '../../../proto/hop-point.js';
import { allPartitions, partitionOfKey } from '../../../proto/partition.js';
import { keyText } from '../../helpers/batches.js';
import { alert, DEVICE_1, DEVICE_2, PARTY_A, PARTY_B, request, writeOf } from '../../unit/metrics/harness.js';

export interface CoreStoreBackend {
  readonly name: string;
  /** An empty store with the collector's schema. */
  open(): Store;
}

const catalogue = loadCatalogue();
const NOW = Date.parse('2026-11-01T00:00:00Z');
const usOf = (iso: string) => Date.parse(iso) * 1000;
const batch = (over: Partial<NewBatch> = {}): NewBatch => ({ agentId: 'gw', streamId: 1, seq: 1, partition: 0, receivedAtMs: NOW, hops: 3, payload: Uint8Array.of(1, 2, 3), ...over });
/** The partition count the suites record (small, so that test keys fall in several partitions). */
const P = 4;
/** A checkpoint of a collector holding every partition: each one replays from `replayFrom`. */
const checkpoint = (upserts: OpenJourneyState[], replayFrom: number): Checkpoint =>
  ({ upserts, replayFromBatchId: replayFrom, positions: new Map(allPartitions(P).map((p) => [p, replayFrom])) });
const payloads = (store: Store, from: number) => [...store.batchesFrom(from)].map((b) => [b.id, Buffer.from(b.payload)]);
const tick = (store: Store, writes: readonly RecordWrite[], nowMs = NOW, closedOpenKeys: string[] = []) => store.writeTick({ records: writes, closedOpenKeys }, nowMs);
const writes = (...records: JourneyRecord[]) => records.map((r) => writeOf(r));

/** An open journey as the joiner checkpoints it: a real Journey with a UG_IN hop, in the stored form. */
function openState(counter: number, deadlineMs: number, firstBatchId = 1, target?: string): OpenJourneyState {
  const journey = new Journey(JoinKey.parse(keyText(counter, target))!, NOW, firstBatchId, deadlineMs);
  journey.context = { srv: '4.1.1', userRole: 'IS' };
  journey.addHop(HopPoint.UG_IN, 0, usOf('2026-11-01T00:00:00Z'), undefined);
  return stateOf(journey, () => 'gw', partitionOfKey(journey.key, P));
}

function clockModel(offsetUs: number): ClockModel {
  const model = new ClockModel(defaultClockModelOptions);
  for (let i = 0; i < 5; i++) {
    const t1Us = usOf('2026-11-01T00:00:00Z') + i * 10_000_000;
    model.add({ t1Us, t2Us: t1Us + offsetUs + 500, t3Us: t1Us + offsetUs + 600, t4Us: t1Us + 1100 });
  }
  return model;
}

export function corePortsContract(backend: CoreStoreBackend): void {
  describe(`core store ports on ${backend.name}`, () => {
    let store: Store;
    beforeEach(() => {
      store = backend.open();
      store.partitionCount(P);
    });
    afterEach(() => store.close());

    describe('batch log', () => {
      it('logs a batch once per agent, stream and sequence number, and answers undefined for a resend', () => {
        const first = store.insertBatch(batch());
        expect(first).toBeTypeOf('number');
        expect(store.insertBatch(batch({ payload: Uint8Array.of(9), receivedAtMs: NOW + 1 }))).toBeUndefined();
        const otherStream = store.insertBatch(batch({ streamId: 2 }));
        const otherAgent = store.insertBatch(batch({ agentId: 'rig-1' }));
        const nextSeq = store.insertBatch(batch({ seq: 2 }));
        expect(new Set([first, otherStream, otherAgent, nextSeq]).size).toBe(4);
        expect(payloads(store, 0)).toHaveLength(4);
        expect(Buffer.from([...store.batchesFrom(first!)][0]!.payload)).toEqual(Buffer.from([1, 2, 3]));
      });

      it('reads logged payloads in id order from a position, with the agent and receipt time', () => {
        const ids = [1, 2, 3].map((seq) => store.insertBatch(batch({ seq, receivedAtMs: NOW + seq, payload: Uint8Array.of(seq) }))!);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(payloads(store, ids[0]!)).toEqual(ids.map((id, i) => [id, Buffer.from([i + 1])]));
        expect(payloads(store, ids[1]!)).toEqual([[ids[1], Buffer.from([2])], [ids[2], Buffer.from([3])]]);
        expect([...store.batchesFrom(ids[2]!)].map(({ agentId, receivedAtMs }) => ({ agentId, receivedAtMs }))).toEqual([{ agentId: 'gw', receivedAtMs: NOW + 3 }]);
        expect(payloads(store, ids[2]! + 1)).toEqual([]);
      });

      it('replays from 1 before any checkpoint and from the position the last checkpoint wrote', () => {
        expect(store.replayFromBatchId()).toBe(1);
        store.writeCheckpoint(checkpoint([], 7));
        store.writeCheckpoint(checkpoint([], 9));
        expect(store.replayFromBatchId()).toBe(9);
      });

      it('prunes payloads before the replay position and dedupe rows older than the retention, and a second prune changes nothing', () => {
        store.insertBatch(batch({ seq: 1, receivedAtMs: NOW - 10_000 }));
        store.insertBatch(batch({ seq: 2, receivedAtMs: NOW - 1000 }));
        const replayFrom = store.insertBatch(batch({ seq: 1, streamId: 2, receivedAtMs: NOW - 2000 }))!;
        const after = store.insertBatch(batch({ seq: 3, receivedAtMs: NOW - 500 }))!;
        store.writeCheckpoint(checkpoint([], replayFrom));
        store.prune(NOW, 5000);
        store.prune(NOW, 5000);
        expect([...store.batchesFrom(0)].map((b) => b.id)).toEqual([replayFrom, after]);
        expect(store.insertBatch(batch({ seq: 2 }))).toBeUndefined();
        expect(store.insertBatch(batch({ seq: 1, streamId: 2 }))).toBeUndefined();
        expect(store.insertBatch(batch({ seq: 1 }))).toBeTypeOf('number');
      });
    });

    describe('hop minutes', () => {
      it('adds a minute\'s counts to what it holds and reads minutes in a range in time order', () => {
        store.addHopMinutes([{ minuteMs: NOW + 60_000, batches: 2, hops: 30 }, { minuteMs: NOW, batches: 1, hops: 10 }]);
        store.addHopMinutes([{ minuteMs: NOW, batches: 3, hops: 5 }]);
        store.addHopMinutes([]);
        store.addHopMinutes([{ minuteMs: NOW + 120_000, batches: 1, hops: 1 }]);
        expect(store.hopMinutesBetween(NOW, NOW + 120_000)).toEqual([{ minuteMs: NOW, batches: 4, hops: 15 }, { minuteMs: NOW + 60_000, batches: 2, hops: 30 }]);
        expect(store.hopMinutesBetween(NOW - 60_000, NOW)).toEqual([]);
      });

      it('leaves no counts behind when the transaction that added them fails', () => {
        expect(() => store.transaction(() => {
          store.addHopMinutes([{ minuteMs: NOW, batches: 1, hops: 10 }]);
          throw new Error('disk full');
        })).toThrow('disk full');
        expect(store.hopMinutesBetween(NOW, NOW + 60_000)).toEqual([]);
      });
    });

    describe('journey records', () => {
      it('stores a tick\'s records and reads them back by key with the figures and time written', () => {
        const record = request({ at: '2026-11-01T09:00:00Z', srv: '4.1.1', rttMs: 3000, counter: 1 }, catalogue);
        tick(store, writes(record), NOW + 5);
        const [stored, ...rest] = store.journeysByKey(record.key);
        expect(rest).toEqual([]);
        expect(stored).toMatchObject({ key: record.key, srv: '4.1.1', startedUs: record.startedUs, endedUs: record.endedUs, outcome: 'success', code: 'I0', writtenAtMs: NOW + 5 });
        expect(stored!.figures).toEqual(record.figures);
        expect(stored!.hops).toEqual(record.hops);
        expect(stored!.context).toEqual(record.context);
        expect(store.findRecords([record.key]).get(record.key)).toEqual([expect.objectContaining({ id: stored!.id, key: record.key, startedUs: record.startedUs, amendments: 0, timedOut: false })]);
      });

      it('keeps one row for a journey written again, holding the figures of the last write', () => {
        const first = request({ at: '2026-11-01T09:00:00Z', srv: '4.1.1', rttMs: 3000, counter: 2 }, catalogue);
        const again = request({ at: '2026-11-01T09:00:00Z', srv: '4.1.1', rttMs: 4000, counter: 2 }, catalogue);
        tick(store, writes(first), NOW);
        tick(store, writes(again), NOW + 1);
        expect(store.journeysByKey(first.key).map((j) => [j.figures.rttUs, j.writtenAtMs])).toEqual([[4_000_000, NOW + 1]]);
      });

      it('updates the stored record an amendment names, keeping one row', () => {
        const first = request({ at: '2026-11-01T09:00:00Z', srv: '4.1.1', unanswered: true, counter: 3 }, catalogue);
        tick(store, writes(first), NOW);
        const [ref] = store.findRecords([first.key]).get(first.key)!;
        expect(ref!.timedOut).toBe(true);
        const answered = { ...request({ at: '2026-11-01T09:00:00Z', srv: '4.1.1', rttMs: 2500, counter: 3 }, catalogue), amendments: 1 };
        tick(store, [writeOf(answered, { id: ref!.id, previous: first })], NOW + 1);
        const stored = store.journeysByKey(first.key);
        expect(stored.map((j) => [j.id, j.outcome, j.figures.rttUs, j.amendments])).toEqual([[ref!.id, 'success', 2_500_000, 1]]);
        expect(store.findRecords([first.key]).get(first.key)![0]!.timedOut).toBe(false);
      });

      it('keeps fractional times as given (the collector\'s clock reads fractional milliseconds)', () => {
        const record = { ...request({ at: '2026-11-01T09:00:00Z', srv: '4.1.1', counter: 4 }, catalogue), startedUs: usOf('2026-11-01T09:00:00Z') + 0.25 };
        tick(store, writes(record), NOW + 0.5);
        expect(store.journeysByKey(record.key).map((j) => [j.startedUs, j.writtenAtMs])).toEqual([[record.startedUs, NOW + 0.5]]);
        const id = store.insertBatch(batch({ receivedAtMs: NOW + 0.75 }))!;
        expect([...store.batchesFrom(id)][0]!.receivedAtMs).toBe(NOW + 0.75);
        store.writeCheckpoint(checkpoint([openState(5, NOW + 1000.5)], 1));
        expect(store.dueOpenJourneys(NOW + 1000.5, 10).map((s) => s.deadlineMs)).toEqual([NOW + 1000.5]);
        store.upsertAgentStatus('gw', {}, NOW + 0.125);
        expect(store.agentStatuses()[0]!.updatedAtMs).toBe(NOW + 0.125);
      });

      it('answers no records for an unknown or malformed key', () => {
        expect(store.journeysByKey(keyText(404))).toEqual([]);
        expect(store.journeysByKey('not a key')).toEqual([]);
        expect(store.findRecords(['not a key', keyText(404)])).toEqual(new Map());
      });

      it('reads the records of several keys at once, each key\'s oldest first, leaving out keys without any', () => {
        const early = request({ at: '2026-11-01T09:00:00Z', srv: '4.1.1', rttMs: 3000, counter: 21 }, catalogue);
        const later = request({ at: '2026-11-01T10:00:00Z', srv: '4.1.1', rttMs: 2000, counter: 21 }, catalogue);
        const other = request({ at: '2026-11-01T09:30:00Z', srv: '4.1.1', unanswered: true, counter: 22 }, catalogue);
        tick(store, writes(later, other, early), NOW);
        const found = store.findRecords([early.key, keyText(405), other.key, 'not a key']);
        expect([...found.keys()].sort()).toEqual([early.key, other.key].sort());
        expect(found.get(early.key)!.map((r) => [r.key, r.startedUs, r.timedOut])).toEqual([[early.key, early.startedUs, false], [later.key, later.startedUs, false]]);
        expect(found.get(other.key)!.map((r) => [r.startedUs, r.timedOut])).toEqual([[other.startedUs, true]]);
      });

      describe('filtered', () => {
        const at = (h: number) => `2026-11-01T${String(h).padStart(2, '0')}:00:00Z`;
        let r: Record<string, JourneyRecord>;
        beforeEach(() => {
          r = {
            a: request({ at: at(1), srv: '4.1.1', party: PARTY_A, counter: 11 }, catalogue),
            b: request({ at: at(2), srv: '4.1.1', party: PARTY_B, counter: 12, context: { cspRegion: 'SOUTH', deviceModel: 'M-2', firmwareVersion: 'F-2', chFirmwareVersion: '2.2.0' } }, catalogue),
            c: request({ at: at(3), srv: '6.2.1', party: PARTY_A, unanswered: true, counter: 13 }, catalogue),
            d: request({ at: at(4), srv: '4.1.1', party: PARTY_A, device: DEVICE_2, counter: 14 }, catalogue),
            alertToB: alert({ at: at(5), code: '8F3E', user: PARTY_B, deliveryMs: 200 }, catalogue),
          };
          tick(store, writes(...Object.values(r)));
        });
        const keys = (list: readonly { key: string }[]) => list.map((j) => j.key);
        const name = (...names: string[]) => names.map((n) => r[n]!.key);

        it('lists the newest start first, at most the limit', () => {
          expect(keys(store.listJourneys({ limit: 10 }))).toEqual(name('alertToB', 'd', 'c', 'b', 'a'));
          expect(keys(store.listJourneys({ limit: 2 }))).toEqual(name('alertToB', 'd'));
        });

        it('filters by SRV, start range (from inclusive, to exclusive), outcome and CSP region', () => {
          expect(keys(store.listJourneys({ srv: '4.1.1', limit: 10 }))).toEqual(name('d', 'b', 'a'));
          expect(keys(store.listJourneys({ fromUs: r.b!.startedUs, toUs: r.d!.startedUs, limit: 10 }))).toEqual(name('c', 'b'));
          expect(keys(store.listJourneys({ outcome: 'failure', limit: 10 }))).toEqual(name('c'));
          expect(keys(store.listJourneys({ cspRegion: 'SOUTH', limit: 10 }))).toEqual(name('b'));
          expect(keys(store.listJourneys({ srv: '4.1.1', cspRegion: 'NORTH', fromUs: r.a!.startedUs + 1, limit: 10 }))).toEqual(name('d'));
        });

        it('filters by device model, device firmware and Communications Hub firmware', () => {
          expect(keys(store.listJourneys({ deviceModel: 'M-2', limit: 10 }))).toEqual(name('b'));
          expect(keys(store.listJourneys({ firmwareVersion: 'F-2', limit: 10 }))).toEqual(name('b'));
          expect(keys(store.listJourneys({ chFirmwareVersion: '2.2.0', limit: 10 }))).toEqual(name('b'));
          expect(keys(store.listJourneys({ chFirmwareVersion: '2.1.0', limit: 10 }))).toEqual([]);
          expect([...store.scanFigures({ chFirmwareVersion: '2.2.0' })].map((f) => f.key)).toEqual(name('b'));
        });

        it('finds a party\'s requests by originator and its alerts by the addressee', () => {
          expect(keys(store.listJourneys({ party: PARTY_A, limit: 10 }))).toEqual(name('d', 'c', 'a'));
          expect(keys(store.listJourneys({ party: PARTY_B, limit: 10 }))).toEqual(name('alertToB', 'b'));
          expect(keys(store.listJourneys({ party: DEVICE_1, limit: 10 }))).toEqual([]);
        });

        it('scans the figures of the records a filter matches', () => {
          const rows = [...store.scanFigures({ srv: '4.1.1', party: PARTY_A })].sort((x, y) => x.startedUs - y.startedUs);
          expect(rows).toEqual([r.a!, r.d!].map((j) => ({
            srv: '4.1.1', startedUs: j.startedUs, outcome: 'success', reason: null, rttUs: j.figures.rttUs, dccUs: j.figures.dccUs,
            key: j.key, context: j.context, figures: j.figures, segments: j.segments,
          })));
          expect([...store.scanFigures({ outcome: 'failure' })]).toEqual([expect.objectContaining({ srv: '6.2.1', reason: 'no-response', rttUs: null })]);
        });

        it('answers the keys of records started at or after a time', () => {
          expect([...store.recentKeys(r.c!.startedUs)].sort()).toEqual(name('c', 'd', 'alertToB').sort());
          expect([...store.recentKeys(r.alertToB!.startedUs + 1)]).toEqual([]);
        });
      });
    });

    describe('open-journey checkpoints', () => {
      it('reads checkpointed open journeys back as written, soonest deadline first, at most the limit', () => {
        const states = [openState(21, NOW + 3000, 4), openState(22, NOW + 1000, 5), openState(23, NOW + 2000, 6)];
        store.writeCheckpoint(checkpoint(states, 4));
        expect([...store.openJourneys(10)]).toEqual([states[1], states[2], states[0]]);
        expect([...store.openJourneys(2)]).toEqual([states[1], states[2]]);
        expect(store.loadOpenJourneys([keyText(21)])).toEqual([states[0]]);
        expect(store.loadOpenJourneys([keyText(24)])).toEqual([]);
        expect(store.loadOpenJourneys([keyText(23), keyText(24), keyText(21)]).sort((a, b) => a.deadlineMs - b.deadlineMs)).toEqual([states[2], states[0]]);
        expect([...store.openJourneyHashes()].sort((x, y) => x.hash - y.hash)).toEqual(states.map(({ hash, hash2 }) => ({ hash, hash2 })).sort((x, y) => x.hash - y.hash));
      });

      it('answers the journeys due by a time, earliest first, at most the limit', () => {
        store.writeCheckpoint(checkpoint([openState(31, NOW + 3000), openState(32, NOW + 1000), openState(33, NOW + 2000)], 1));
        expect(store.dueOpenJourneys(NOW + 2000, 10).map((s) => s.key)).toEqual([keyText(32), keyText(33)]);
        expect(store.dueOpenJourneys(NOW + 5000, 1).map((s) => s.key)).toEqual([keyText(32)]);
        expect(store.dueOpenJourneys(NOW, 10)).toEqual([]);
      });

      it('replaces a journey checkpointed again, and forgets one a tick closed', () => {
        store.writeCheckpoint(checkpoint([openState(41, NOW + 1000), openState(42, NOW + 2000)], 1));
        const moved = openState(41, NOW + 9000);
        store.writeCheckpoint(checkpoint([moved], 1));
        expect([...store.openJourneys(10)].map((s) => [s.key, s.deadlineMs])).toEqual([[keyText(42), NOW + 2000], [keyText(41), NOW + 9000]]);
        tick(store, [], NOW, [keyText(42)]);
        expect([...store.openJourneys(10)]).toEqual([moved]);
        expect(store.loadOpenJourneys([keyText(42)])).toEqual([]);
      });
    });

    describe('partitions', () => {
      // Devices whose keys (with keyText's User) fall in partitions 0, 1 and 3 of P = 4.
      const IN_0 = '00-DB-12-34-56-78-90-A0';
      const IN_1 = '00-DB-12-34-56-78-90-A2';
      const IN_3 = '00-DB-12-34-56-78-90-A1';

      it('keeps the partition count recorded first', () => {
        expect(store.partitionCount(P)).toBe(P);
        expect(store.partitionCount(64)).toBe(P);
      });

      it('keeps each partition\'s replay position, leaving the others as they were', () => {
        store.writeCheckpoint(checkpoint([], 5));
        store.writeCheckpoint({ upserts: [], replayFromBatchId: 3, positions: new Map([[1, 9], [2, 3]]) });
        expect([...store.replayPositions([0, 1, 2, 3])]).toEqual([[0, 5], [1, 9], [2, 3], [3, 5]]);
        expect(store.replayFromBatchId()).toBe(3);
      });

      it('replays a partition no checkpoint wrote from 1, and so prunes no payload it may need', () => {
        const first = store.insertBatch(batch({ seq: 1, partition: 3 }))!;
        store.writeCheckpoint({ upserts: [], replayFromBatchId: first + 1, positions: new Map([[0, first + 1], [1, first + 1], [2, first + 1]]) });
        expect(store.replayPositions([2, 3]).get(3)).toBe(1);
        expect(store.replayFromBatchId()).toBe(1);
        store.prune(NOW, 3_600_000);
        expect([...store.batchesFrom(first, [3])].map((b) => b.id)).toEqual([first]);
      });

      it('reads the logged batches of a set of partitions, with their partition, in id order', () => {
        const ids = [0, 1, 3, -1, 1].map((partition, seq) => store.insertBatch(batch({ seq: seq + 1, partition }))!);
        expect([...store.batchesFrom(ids[0]!, [1, 3])].map((b) => [b.id, b.partition])).toEqual([[ids[1], 1], [ids[2], 3], [ids[4], 1]]);
        expect([...store.batchesFrom(ids[2]!, [1, -1])].map((b) => b.id)).toEqual([ids[3], ids[4]]);
        expect([...store.batchesFrom(ids[0]!, [2])]).toEqual([]);
      });

      it('reads the open journeys, due journeys and key hashes of a set of partitions', () => {
        const states = [openState(61, NOW + 1000, 1, IN_0), openState(62, NOW + 2000, 1, IN_1), openState(63, NOW + 3000, 1, IN_3)];
        store.writeCheckpoint(checkpoint(states, 1));
        expect([...store.openJourneys(10, [1, 3])]).toEqual([states[1], states[2]]);
        expect([...store.openJourneys(10, [2])]).toEqual([]);
        expect(store.dueOpenJourneys(NOW + 5000, 10, [0, 3]).map((st) => st.key)).toEqual([states[0]!.key, states[2]!.key]);
        expect([...store.openJourneyHashes([1])]).toEqual([{ hash: states[1]!.hash, hash2: states[1]!.hash2 }]);
      });

      it('gives open journeys checkpointed before partitions their partition once the count is known', () => {
        const { partition: _partition, ...legacy } = openState(64, NOW + 1000, 1, IN_3);
        const fresh = backend.open();
        try {
          fresh.writeCheckpoint({ upserts: [legacy], replayFromBatchId: 1, positions: new Map() });
          expect([...fresh.openJourneys(10, [3])]).toEqual([]);
          fresh.partitionCount(P);
          expect([...fresh.openJourneys(10, [3])]).toEqual([legacy]);
        } finally {
          fresh.close();
        }
      });
    });

    describe('clock models', () => {
      it('loads each agent\'s last saved model, which maps agent times as the saved one did', () => {
        const first = clockModel(1_000_000);
        const last = clockModel(2_000_000);
        store.saveClockModel('gw', first.state(), NOW);
        store.saveClockModel('rig-1', first.state(), NOW);
        store.saveClockModel('gw', last.state(), NOW + 1);
        const loaded = new Map([...store.clockModels()].map((m) => [m.agentId, m.state]));
        expect([...loaded.keys()].sort()).toEqual(['gw', 'rig-1']);
        expect(loaded.get('gw')!.segments.map((s) => s.points)).toEqual(last.state().segments.map((s) => s.points));
        const agentUs = usOf('2026-11-01T00:01:00Z');
        expect(new ClockModel(defaultClockModelOptions, loaded.get('gw')).map(agentUs)).toEqual(last.map(agentUs));
        expect(new ClockModel(defaultClockModelOptions, loaded.get('rig-1')).map(agentUs)).toEqual(first.map(agentUs));
      });
    });

    describe('agent statuses', () => {
      it('keeps each agent\'s last status, listed by agent id', () => {
        store.upsertAgentStatus('rig-1', { buffered: 3 }, NOW);
        store.upsertAgentStatus('gw', { buffered: 1, tls: true }, NOW);
        store.upsertAgentStatus('rig-1', { buffered: 0 }, NOW + 5);
        expect(store.agentStatuses()).toEqual([
          { agentId: 'gw', status: { buffered: 1, tls: true }, updatedAtMs: NOW },
          { agentId: 'rig-1', status: { buffered: 0 }, updatedAtMs: NOW + 5 },
        ]);
      });
    });

    describe('transaction', () => {
      it('returns what its function returns, with the writes committed', () => {
        expect(store.transaction(() => store.insertBatch(batch()))).toBeTypeOf('number');
        expect(payloads(store, 0)).toHaveLength(1);
      });

      it('rolls back every port\'s writes when its function throws, and rethrows', () => {
        const record = request({ at: '2026-11-01T09:00:00Z', srv: '4.1.1', counter: 51, context: { cspRegion: 'CENTRAL' } }, catalogue);
        const failure = new Error('tick failed');
        expect(() => store.transaction(() => {
          store.insertBatch(batch());
          tick(store, writes(record));
          store.writeCheckpoint(checkpoint([openState(52, NOW + 1000)], 5));
          store.saveClockModel('gw', clockModel(0).state(), NOW);
          store.upsertAgentStatus('gw', { buffered: 1 }, NOW);
          throw failure;
        })).toThrow(failure);
        expect(payloads(store, 0)).toEqual([]);
        expect(store.journeysByKey(record.key)).toEqual([]);
        expect([...store.openJourneys(10)]).toEqual([]);
        expect(store.replayFromBatchId()).toBe(1);
        expect([...store.clockModels()]).toEqual([]);
        expect(store.agentStatuses()).toEqual([]);
        // A record with a new context written after the rollback reads back whole.
        tick(store, writes(record));
        expect(store.journeysByKey(record.key)[0]!.context).toEqual(record.context);
      });
    });
  });
}
