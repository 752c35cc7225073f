// The joiner groups hops by correlation key into journeys and closes each one when its
// final point arrives (the final response, not the I99 acknowledgement) or its window
// runs out (a failure with reason `no-response`, never dropped). Lookups are per key
// row of a batch, not per hop. All state changes are collected as writes for the
// ingest step to commit in its transaction.
//
// Joining rules (README, "Journeys and records"). A hop joins its key's journey, open or
// closed, for as long as that journey may be amended: join.lateHopWindowMs after it closed,
// and at least its SRV's window (plus grace) from its start, whatever the hop's timestamp.
// A journey closed as no-response that then gets its response so becomes a slow answered
// one, never a second journey. The key counts as used again, and a new journey starts, only
// when a hop repeats a point the journey already holds at a later time (on the collector's
// clock) after that journey ended (closed, or holding its final point); the new journey
// takes with it the hops of the ended one that are later than that hop, so a response that
// arrived before its request's start still goes to the right use of the counter.
//
// Memory follows the store. Between two commits the joiner keeps what it needs to go back:
// each journey a batch row reaches is saved first (journey-undo-log.ts), journeys entering
// and leaving memory are noted (open-journeys.ts), counters and scalars are copied at each
// commit, and what cannot be undone is held until commit() (keys for the late-hop filter,
// a checkpoint's persisted marks and evictions). commit() keeps the tick's changes; abort()
// puts the joiner back exactly as it was at the last commit, so the batches agents send again
// after a failed transaction meet the state they met the first time.
import type { JourneyContext } from '../../proto/hop-context.js';
import { ALERT_CHAIN_RANK, HopPoint, hopPointByName, REQUEST_CHAIN_RANK, SMETS1_CHAIN_RANK } from '../../proto/hop-point.js';
import type { DecodedBatch } from './decoded-batch.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { JourneyHops, JourneyRecord } from './journey-record.js';
import { buildRecord } from './journey-record.js';
import { Journey } from './journey.js';
import type { ClockMapper } from '../clock/clock-registry.js';
import type { ContextInterner } from './context-interner.js';
import { JoinKey } from './join-key.js';
import { JourneyUndoLog } from './journey-undo-log.js';
import { RotatingKeyFilter } from './key-filter.js';
import { KeyTable } from './key-table.js';
import { GIVE_UP_AFTER_MS, ProvisionalRecords, RECHECK_MS, SETTLED_RATE_UNCERTAINTY, worstMappedHop, type ProvisionalRecord } from './provisional-records.js';
import { OpenJourneys, type Checkpoint, type KeyHashes, type OpenJourneyStore } from './open-journeys.js';
import { DEFAULT_PARTITION_COUNT, partitionOfKey } from '../../proto/partition.js';
import { createHeldPartitions, type HeldPartitions } from './held-partitions.js';
import type { OpenJourneyState } from './open-journey-state.js';
import { journeyOf, stateOf } from './open-journey-state.js';

export interface JoinOptions {
  /** Added to every SRV's window before a journey times out. */
  readonly graceMs: number;
  /** How long a journey whose final point came waits for its other points' stragglers. */
  readonly settleMs: number;
  /** Window for journeys whose SRV no agent has named, or that the catalogue does not know. */
  readonly unknownSrvWindowMs: number;
  readonly alertWindowMs: number;
  /** How long a closed journey's key is remembered so that a late hop amends it. */
  readonly lateHopWindowMs: number;
  readonly lateHopCapacity: number;
  /** Open journeys older than this are written to the store at each checkpoint. */
  readonly persistAfterMs: number;
  /** Open journeys held in memory at most; older checkpointed ones wait in the store. */
  readonly maxResident: number;
  readonly maxPersistPerCheckpoint: number;
  readonly finalPoints: readonly string[];
}

/** A record to write; `amends` names the stored record a late hop changed, as it was before. */
export interface RecordWrite {
  readonly record: JourneyRecord;
  readonly joinKey: JoinKey;
  readonly amends?: { readonly id: number; readonly previous: JourneyRecord };
}

export interface StoredRecordRef {
  readonly id: number;
  readonly key: string;
  readonly startedUs: number;
  readonly hops: JourneyHops;
  readonly context: JourneyContext;
  readonly amendments: number;
  readonly timedOut: boolean;
}

/** What the joiner reads from the store: closed records for late hops, open journeys it persisted. */
export interface JoinStoreReader extends OpenJourneyStore {
  /** The stored records of each of `keys` that has any, oldest first: one read for many keys. */
  findRecords(keys: readonly string[]): Map<string, StoredRecordRef[]>;
}

/** What a tick must write: records, and the persisted open journeys they replace. */
export interface TickWrites {
  readonly records: readonly RecordWrite[];
  readonly closedOpenKeys: readonly string[];
}

export type CheckpointWrites = Checkpoint;

export interface JoinCounters {
  hops: number;
  duplicateHops: number;
  conflictingHops: number;
  opened: number;
  completed: number;
  timedOut: number;
  amendments: number;
  lateLookups: number;
  /** New journeys started because their key was used again (see the joining rules above). */
  keyReused: number;
  /** Records whose cross-agent segments are negative beyond their bounds (flagged, not clamped). */
  unreconciled: number;
  /** Records written again because their agents' clock models came to know the rates better. */
  remapped: number;
  /** Records written with a young clock model that could not be noted to be mapped again (the queue was full). */
  provisionalDropped: number;
}

/** How the bounds on open journeys are doing, for /metrics. */
export interface OpenJourneyCounters {
  readonly resident: number;
  readonly evicted: number;
  readonly evictions: number;
  readonly reloads: number;
  /** Times a full late-hop key filter had to forget keys before their window ran out. */
  readonly lateHopFilterEarlyRotations: number;
}

export interface Joiner {
  /** `replaying`: the batch is read back from the log after a restart; every unknown key is looked up (in one read). */
  apply(batch: DecodedBatch, batchId: number, receivedAtMs: number, replaying?: boolean): void;
  /** Closes journeys whose settle time or window ran out. */
  expire(nowMs: number): void;
  /** Records waiting to be mapped again with a better clock model (bound: MAX_PROVISIONAL). */
  readonly provisionalCount: number;
  takeWrites(): TickWrites;
  checkpoint(nowMs: number, lastBatchId: number): CheckpointWrites;
  /**
   * After a restart: open journeys from the last checkpoint (as many as may be held in memory),
   * the keys of all of them, and keys closed recently (for late hops).
   */
  restore(states: Iterable<OpenJourneyState>, openKeys: Iterable<KeyHashes>, recentlyClosedKeys: Iterable<string>, nowMs: number): void;
  /**
   * Between ticks, when partitions are taken over: as restore, for the journeys of `partitions`
   * only (the states and keys given are theirs; recently closed keys of other partitions are
   * left out), added to what the joiner holds. Their replay follows (ingest/recovery.ts).
   */
  adopt(partitions: readonly number[], restored: RestoredPartitions, nowMs: number): void;
  /**
   * Between ticks, when partitions are handed over: the checkpoint that puts every open journey
   * of theirs in the store, each partition replaying from after `lastBatchId`. Changes nothing:
   * once it has committed, released() drops them.
   */
  releaseWrites(partitions: readonly number[], lastBatchId: number): CheckpointWrites;
  /** The release checkpoint committed: these partitions' journeys leave memory. */
  released(partitions: readonly number[]): void;
  /** The store committed everything since the last commit: keep it. */
  commit(): void;
  /** The store rolled back: the joiner returns to its state at the last commit (or restore). */
  abort(): void;
  readonly openCount: number;
  readonly counters: Readonly<JoinCounters>;
  openJourneyCounters(): OpenJourneyCounters;
  /** More journeys in memory than the bound: checkpoint (and so evict) without waiting for the interval. */
  readonly overBound: boolean;
}

const maskOf = (points: Iterable<number>) => [...points].reduce((m, p) => m | (1 << p), 0);
const ALERT_MASK = maskOf(ALERT_CHAIN_RANK.keys());
const SMETS1_MASK = maskOf([HopPoint.S1SP_OUT, HopPoint.S1SP_IN]);
// The acknowledgement is not on the chain but is waited for like the chain's points.
const REQUEST_EXPECTED = maskOf(REQUEST_CHAIN_RANK.keys()) | (1 << HopPoint.UG_ACK);
const SMETS1_EXPECTED = maskOf(SMETS1_CHAIN_RANK.keys()) | (1 << HopPoint.UG_ACK);

interface Closed {
  readonly key: JoinKey;
  /** Replaced when a reused key takes hops away from it. */
  journey: Journey;
  cause: 'final' | 'timeout';
  /** Set when the journey was read back from the store to take a late hop. */
  readonly amends?: { readonly id: number; readonly amendments: number; readonly previous: JourneyRecord };
  /** Read back only to map its times again with a better clock model. */
  readonly remap?: boolean;
}

/** A set of partitions' open journeys, read back from the store (see Joiner.adopt). */
export interface RestoredPartitions {
  readonly states: Iterable<OpenJourneyState>;
  readonly openKeys: Iterable<KeyHashes>;
  readonly recentlyClosedKeys: Iterable<string>;
}

/** `held`: the partitions this collector holds (default: all of the default count). */
export function createJoiner(catalogue: Catalogue, store: JoinStoreReader, contexts: ContextInterner, clocks: ClockMapper, options: JoinOptions, nowMs: number,
  held: HeldPartitions = createHeldPartitions(DEFAULT_PARTITION_COUNT)): Joiner {
  const settling: Journey[] = [];
  /** Journeys closed or amended since the last takeWrites(). */
  const closed = new KeyTable<Closed>();
  /** Closed journeys whose key a new use of the key took over in this tick (written all the same). */
  const displaced: Closed[] = [];
  // Twice the window: the filter remembers a key for at least half its window, and a closed
  // journey must be found for the whole of join.lateHopWindowMs.
  const recentlyClosed = new RotatingKeyFilter(options.lateHopCapacity, 2 * options.lateHopWindowMs, nowMs);
  // Journeys whose SRV window outlives join.lateHopWindowMs after they close (the long classes
  // answered early) stay amendable for their window: their keys are remembered here.
  const longWindowClosed = new RotatingKeyFilter(options.lateHopCapacity, 2 * longestWindowMs(catalogue, options), nowMs);
  const agentIds: string[] = [];
  const agentIndex = new Map<string, number>();
  const finalMask = options.finalPoints.reduce((mask, p) => mask | (1 << hopPointByName(p)!), 0);
  let persistedClosed: string[] = [];
  let seenPoints = 0;
  let earliestDeadlineMs = Infinity;
  let nextStoreScanMs = 0;
  const counters: JoinCounters = { hops: 0, duplicateHops: 0, conflictingHops: 0, opened: 0, completed: 0, timedOut: 0, amendments: 0, lateLookups: 0, keyReused: 0, unreconciled: 0, remapped: 0, provisionalDropped: 0 };
  // Since the last commit: journeys as they were, keys closed (the late-hop filter cannot
  // forget a key, so they enter it at commit), journeys taken off the front of `settling`.
  const undo = new JourneyUndoLog();
  const closedKeys: JoinKey[] = [];
  const closedAtMs: number[] = [];
  /** Indexes into closedKeys of the journeys whose window outlives their late-hop window. */
  const longWindowKeys: number[] = [];
  const settled: Journey[] = [];
  const provisional = new ProvisionalRecords();
  let lastExpireMs = nowMs;
  const committed = { counters: { ...counters }, seenPoints, earliestDeadlineMs, nextStoreScanMs, settling: 0, persistedClosed, persistedClosedLength: 0 };

  const agentOf = (id: string) => {
    let i = agentIndex.get(id);
    if (i === undefined) {
      i = agentIds.push(id) - 1;
      agentIndex.set(id, i);
    }
    return i;
  };
  const agentName = (i: number) => agentIds[i]!;

  /** The current state becomes the one abort() returns to. */
  const markCommitted = () => {
    undo.clear();
    closedKeys.length = 0;
    closedAtMs.length = 0;
    longWindowKeys.length = 0;
    settled.length = 0;
    Object.assign(committed.counters, counters);
    committed.seenPoints = seenPoints;
    committed.earliestDeadlineMs = earliestDeadlineMs;
    committed.nextStoreScanMs = nextStoreScanMs;
    committed.settling = settling.length;
    committed.persistedClosed = persistedClosed;
    committed.persistedClosedLength = persistedClosed.length;
  };
  const open = new OpenJourneys(store, options, (state) => journeyOf(state, agentOf, contexts.intern), () => (held.all ? undefined : held.list()));
  const partitionOf = (j: Journey) => (j.partition >= 0 ? j.partition : (j.partition = partitionOfKey(j.key, held.count)));
  const stateWithPartition = (j: Journey) => stateOf(j, agentName, partitionOf(j));
  const inPartitions = (partitions: readonly number[]) => {
    const set = new Set(partitions);
    return (j: Journey) => set.has(partitionOf(j));
  };

  const restoreJourneys = (restored: RestoredPartitions, keepKey: (key: JoinKey) => boolean, nowMs: number) => {
    for (const text of restored.recentlyClosedKeys) {
      const key = JoinKey.parse(text);
      if (key && keepKey(key)) recentlyClosed.add(key, nowMs);
    }
    for (const j of open.restore(restored.states, restored.openKeys)) {
      seenPoints |= j.pointMask;
      earliestDeadlineMs = Math.min(earliestDeadlineMs, j.deadlineMs);
      if (!Number.isNaN(j.finalAtMs)) settling.push(j);
    }
    markCommitted();
  };

  const windowMs = (isAlert: boolean, srv: string | undefined, atMs: number) => {
    if (isAlert) return options.alertWindowMs;
    const trt = srv === undefined ? undefined : catalogue.trt(srv, atMs);
    return trt ? trt.seconds * 1000 : options.unknownSrvWindowMs;
  };

  const setDeadline = (j: Journey) => {
    j.deadlineMs = j.openedAtMs + windowMs((j.pointMask & ALERT_MASK) !== 0, j.context.srv, j.openedAtMs) + options.graceMs;
    if (j.deadlineMs < earliestDeadlineMs) earliestDeadlineMs = j.deadlineMs;
  };

  const close = (j: Journey, cause: 'final' | 'timeout', atMs: number) => {
    open.delete(j);
    closedKeys.push(j.key);
    closedAtMs.push(atMs);
    if (j.deadlineMs > atMs + options.lateHopWindowMs) longWindowKeys.push(closedKeys.length - 1);
    if (j.persisted) persistedClosed.push(j.key.toString());
    if (cause === 'timeout') counters.timedOut++;
    else counters.completed++;
    closed.set({ key: j.key, journey: j, cause });
  };

  /** Every point this deployment stamps on the journey's chain has arrived. */
  const isComplete = (j: Journey) => {
    const expected = (j.pointMask & ALERT_MASK) !== 0 ? ALERT_MASK : (j.pointMask & SMETS1_MASK) !== 0 ? SMETS1_EXPECTED : REQUEST_EXPECTED;
    return (seenPoints & expected & ~j.pointMask) === 0;
  };

  /** Whether a stored record may still be amended at `nowMs` (collector clock): see the joining rules. */
  const amendable = (r: StoredRecordRef, nowMs: number) => {
    const startMs = r.startedUs / 1000;
    const windowEndMs = startMs + windowMs(r.hops.points.some((p) => ALERT_CHAIN_RANK.has(p)), r.context.srv, startMs) + options.graceMs;
    const lastHopMs = r.hops.mapped ? Math.max(...r.hops.mapped.us) / 1000 : startMs;
    const closedMs = r.timedOut ? Math.max(lastHopMs, windowEndMs) : lastHopMs;
    return nowMs <= Math.max(closedMs + options.lateHopWindowMs, windowEndMs);
  };

  /**
   * The stored records of a batch's keys that may have one, read in one go before the batch is
   * applied (on PostgreSQL a read per key would cost a round trip each): on replay every key
   * neither open nor closed in this tick, live only those a key filter says may be there.
   */
  const storedRecordsOf = (keys: readonly JoinKey[], replaying: boolean): Map<string, StoredRecordRef[]> | undefined => {
    let wanted: string[] | undefined;
    for (const key of keys) {
      // The key filters first: live, a new key costs no lookup in the (large) tables of journeys.
      if (!replaying && !recentlyClosed.mightContain(key) && !longWindowClosed.mightContain(key)) continue;
      if (closed.get(key) !== undefined || open.get(key) !== undefined) continue;
      (wanted ??= []).push(key.toString());
    }
    if (wanted === undefined) return undefined;
    counters.lateLookups += wanted.length;
    return store.findRecords(wanted);
  };

  /**
   * The closed journey a hop for `key` belongs to, if any: closed in this tick, or stored (read
   * for the batch by storedRecordsOf): the latest use of the key that may still be amended.
   * The hop's own time does not decide.
   */
  const closedJourneyFor = (key: JoinKey, receivedAtMs: number, stored: Map<string, StoredRecordRef[]> | undefined): Closed | undefined => {
    const recent = closed.get(key);
    if (recent) return recent;
    const candidates = stored?.get(key.toString());
    if (candidates === undefined) return undefined;
    let r: StoredRecordRef | undefined;
    for (const candidate of candidates) {
      if ((r === undefined || candidate.startedUs > r.startedUs) && amendable(candidate, receivedAtMs)) r = candidate;
    }
    return r === undefined ? undefined : reopen(key, r, false);
  };

  /** A stored record back as a closed journey of this tick, to be written again if it changes. */
  const reopen = (key: JoinKey, r: StoredRecordRef, remap: boolean): Closed => {
    const j = new Journey(key, 0, 0, 0);
    j.context = contexts.intern(r.context);
    const h = r.hops;
    for (let i = 0; i < h.points.length; i++) j.addHop(h.points[i]!, agentOf(h.agentIds[i]!), h.times[i]!, h.codes?.[i]);
    j.dirty = remap;
    const cause = r.timedOut ? 'timeout' : 'final';
    const previous = buildRecord({ key: key.toString(), hops: r.hops, context: j.context, cause, amendments: r.amendments }, catalogue);
    const entry: Closed = { key, journey: j, cause, amends: { id: r.id, amendments: r.amendments, previous }, remap };
    closed.set(entry);
    return entry;
  };

  /**
   * Records mapped while an agent's clock model was young (provisional-records.ts), due again:
   * each is mapped again once the agent of its worst-known hop knows that rate at least twice
   * as well, and waits again until then. A key this tick already writes is mapped now anyway.
   */
  const remapDue = (nowMs: number) => {
    const due: ProvisionalRecord[] = [];
    for (let e = provisional.takeDue(nowMs); e !== undefined; e = provisional.takeDue(nowMs)) {
      if (closed.get(e.key)) continue;
      if (clocks.map(e.agentId, e.timeUs).rateUncertainty > e.rateUncertainty / 2) {
        if (nowMs < e.untilMs) noteProvisional({ ...e, dueMs: nowMs + RECHECK_MS });
        continue;
      }
      due.push(e);
    }
    if (due.length === 0) return;
    const stored = store.findRecords(due.map((e) => e.key.toString()));
    for (const e of due) {
      // A key due twice: its first entry reopened it already.
      if (closed.get(e.key)) continue;
      const r = stored.get(e.key.toString())?.find((c) => holdsHop(c.hops, e.agentId, e.timeUs));
      // Written again, the record is noted again while unsettled: at most one write per halving.
      // Not found: the record gave that hop to a new use of its key, which was noted itself.
      if (r !== undefined) reopen(e.key, r, true);
    }
  };

  const noteProvisional = (entry: ProvisionalRecord) => {
    if (provisional.note(entry)) return;
    counters.provisionalDropped++;
  };

  const mappedUs = (agent: number, timeUs: number) => clocks.map(agentName(agent), timeUs).us;

  /** A hop that repeats a point of an ended journey at a later time: its key is used again. */
  const isReuse = (j: Journey, point: number, agent: number, timeUs: number) => {
    if ((j.pointMask & finalMask) === 0 && open.resident.get(j.key) === j) return false;
    const i = j.indexOf(point);
    return mappedUs(agent, timeUs) > mappedUs(j.agentAt(i), j.timeAt(i));
  };

  /**
   * A new journey for a reused key, starting with the hop that showed the reuse. The ended
   * journey is closed if it was still settling, and gives up its hops later than that hop.
   */
  const startAgain = (old: Journey, point: number, agent: number, timeUs: number, code: string | undefined, batchId: number, receivedAtMs: number): Journey => {
    if (open.resident.get(old.key) === old) close(old, 'final', receivedAtMs);
    const fresh = new Journey(old.key, receivedAtMs, batchId, 0);
    const kept = new Journey(old.key, old.openedAtMs, old.firstBatchId, old.deadlineMs);
    const cutUs = mappedUs(agent, timeUs);
    for (let i = 0; i < old.count; i++) {
      const a = old.agentAt(i);
      const t = old.timeAt(i);
      (mappedUs(a, t) > cutUs ? fresh : kept).addHop(old.pointAt(i), a, t, old.codeAt(i));
    }
    // The key's later hops in this tick go to the new journey; the old one is still written.
    const entry = closed.get(old.key)!;
    closed.delete(old.key);
    displaced.push(entry);
    if (fresh.count > 0) {
      kept.context = fresh.context = old.context;
      entry.journey = kept;
      // Its response went to the new use of the key: the old one was never answered.
      if ((kept.pointMask & finalMask) === 0) entry.cause = 'timeout';
    }
    fresh.addHop(point, agent, timeUs, code);
    open.add(fresh);
    counters.opened++;
    counters.keyReused++;
    return fresh;
  };

  const journeyFor = (key: JoinKey, batchId: number, receivedAtMs: number, stored: Map<string, StoredRecordRef[]> | undefined): Journey => {
    const j = open.get(key);
    if (j !== undefined) return j;
    const done = closedJourneyFor(key, receivedAtMs, stored);
    if (done) return done.journey;
    const fresh = new Journey(key, receivedAtMs, batchId, 0);
    open.add(fresh);
    counters.opened++;
    return fresh;
  };

  /** The hops with their times on the collector's clock, mapped when the journey is written. */
  const recordHops = (j: Journey): JourneyHops => {
    const n = j.count;
    const points = new Array<number>(n);
    const times = new Array<number>(n);
    const codes = new Array<string | undefined>(n);
    const agentIds = new Array<string>(n);
    const us = new Array<number>(n);
    const uncertaintyUs = new Array<number>(n);
    const rateUncertainty = new Array<number>(n);
    let driftBeyondLimit = false;
    for (let i = 0; i < n; i++) {
      points[i] = j.pointAt(i);
      times[i] = j.timeAt(i);
      codes[i] = j.codeAt(i);
      const id = agentIds[i] = agentName(j.agentAt(i));
      const m = clocks.map(id, times[i]!);
      us[i] = m.us;
      uncertaintyUs[i] = m.uncertaintyUs;
      rateUncertainty[i] = m.rateUncertainty;
      if (m.driftBeyondLimit) driftBeyondLimit = true;
    }
    return { points, agentIds, times, codes, mapped: { us, uncertaintyUs, rateUncertainty, ...(driftBeyondLimit && { driftBeyondLimit }) } };
  };

  return {
    apply(batch, batchId, receivedAtMs, replaying = false) {
      const agent = agentOf(batch.agentId);
      const rows = new Array<Journey | undefined>(batch.keys.length);
      const touched: Journey[] = [];
      const needDeadline: Journey[] = [];
      // The batch's evicted open journeys, then the stored records of keys still unknown: one read each.
      open.bringBack(batch.keys);
      const stored = storedRecordsOf(batch.keys, replaying);
      for (let i = 0; i < batch.hopCount; i++) {
        const row = batch.hopKey[i]!;
        let j = rows[row];
        if (j === undefined) {
          j = journeyFor(batch.keys[row]!, batchId, receivedAtMs, stored);
          undo.save(j);
          const before = j.context;
          j.context = contexts.merge(before, batch.keyContexts[row]!);
          if (j.context !== before) j.dirty = true;
          if (j.count === 0 || (before.srv === undefined && j.context.srv !== undefined)) needDeadline.push(j);
          rows[row] = j;
          touched.push(j);
        }
        const point = batch.hopPoint[i]!;
        seenPoints |= 1 << point;
        counters.hops++;
        const timeUs = batch.hopTimeUs[i]!;
        const result = j.addHop(point, agent, timeUs, batch.hopCode[i]);
        if (result === 'duplicate') counters.duplicateHops++;
        else if (result === 'conflict') {
          if (!isReuse(j, point, agent, timeUs)) counters.conflictingHops++;
          else {
            j = rows[row] = startAgain(j, point, agent, timeUs, batch.hopCode[i], batchId, receivedAtMs);
            j.context = contexts.merge(j.context, batch.keyContexts[row]!);
            touched.push(j);
            needDeadline.push(j);
          }
        }
      }
      // The window depends on the SRV and on whether it is an alert: known once the hops are in.
      for (const j of needDeadline) setDeadline(j);
      for (const j of touched) {
        if (open.resident.get(j.key) !== j) continue; // a closed journey took a late hop
        if ((j.pointMask & finalMask) === 0) continue;
        if (isComplete(j)) close(j, 'final', receivedAtMs);
        else if (Number.isNaN(j.finalAtMs)) {
          j.finalAtMs = receivedAtMs;
          settling.push(j);
        }
      }
    },

    expire(nowMs) {
      lastExpireMs = nowMs;
      remapDue(nowMs);
      while (settling.length > 0 && settling[0]!.finalAtMs + options.settleMs <= nowMs) {
        const j = settling.shift()!;
        settled.push(j);
        if (open.resident.get(j.key) === j) close(j, 'final', nowMs);
      }
      if (nowMs >= nextStoreScanMs) {
        nextStoreScanMs = nowMs + 1000;
        for (const j of open.due(nowMs, 10_000)) close(j, 'timeout', nowMs);
      }
      // Scan only when the earliest deadline has passed; the scan finds the next one.
      if (nowMs < earliestDeadlineMs) return;
      earliestDeadlineMs = Infinity;
      for (const j of open.resident.values()) {
        if (j.deadlineMs <= nowMs) close(j, 'timeout', nowMs);
        else if (j.deadlineMs < earliestDeadlineMs) earliestDeadlineMs = j.deadlineMs;
      }
    },

    takeWrites() {
      const records: RecordWrite[] = [];
      for (const c of [...displaced, ...closed.values()]) {
        if (c.amends && !c.journey.dirty) continue;
        const amendments = c.amends ? c.amends.amendments + 1 : 0;
        if (c.remap) counters.remapped++;
        else if (c.amends) counters.amendments++;
        const hops = recordHops(c.journey);
        const w = worstMappedHop(hops);
        const rateUncertainty = hops.mapped!.rateUncertainty[w]!;
        if (rateUncertainty > SETTLED_RATE_UNCERTAINTY) {
          noteProvisional({ key: c.key, agentId: hops.agentIds[w]!, timeUs: hops.times[w]!, rateUncertainty, dueMs: lastExpireMs + RECHECK_MS, untilMs: lastExpireMs + GIVE_UP_AFTER_MS });
        }
        const record = buildRecord({ key: c.key.toString(), hops, context: c.journey.context, cause: c.cause, amendments }, catalogue);
        if (record.flags.includes('unreconciled') && !c.amends?.previous.flags.includes('unreconciled')) counters.unreconciled++;
        records.push(c.amends ? { record, joinKey: c.key, amends: { id: c.amends.id, previous: c.amends.previous } } : { record, joinKey: c.key });
      }
      closed.clear();
      displaced.length = 0;
      const closedOpenKeys = persistedClosed;
      persistedClosed = [];
      return { records, closedOpenKeys };
    },

    checkpoint(nowMs, lastBatchId) {
      return open.checkpoint(nowMs, lastBatchId, options.persistAfterMs, stateWithPartition, partitionOf, held.list());
    },

    restore(states, openKeys, recentlyClosedKeys, nowMs) {
      restoreJourneys({ states, openKeys, recentlyClosedKeys }, () => true, nowMs);
    },

    adopt(partitions, restored, nowMs) {
      const set = new Set(partitions);
      restoreJourneys(restored, (key) => set.has(partitionOfKey(key, held.count)), nowMs);
    },

    releaseWrites(partitions, lastBatchId) {
      return open.releaseCheckpoint(lastBatchId, inPartitions(partitions), partitions, stateWithPartition);
    },

    released(partitions) {
      const stored = [...store.openJourneyHashes(partitions)].length;
      const gone = new Set(open.forgetPartitions(inPartitions(partitions), stored));
      // A settling journey of theirs is settled by its new owner, from the state just written.
      const kept = settling.filter((j) => !gone.has(j));
      settling.length = 0;
      settling.push(...kept);
      markCommitted();
    },

    commit() {
      provisional.commit();
      for (let i = 0; i < closedKeys.length; i++) recentlyClosed.add(closedKeys[i]!, closedAtMs[i]!);
      for (const i of longWindowKeys) longWindowClosed.add(closedKeys[i]!, closedAtMs[i]!);
      open.commit();
      markCommitted();
    },

    abort() {
      provisional.abort();
      closed.clear();
      displaced.length = 0;
      undo.restore();
      open.abort();
      // settled then settling is the committed queue followed by what this tick pushed.
      settling.unshift(...settled);
      settling.length = committed.settling;
      persistedClosed = committed.persistedClosed;
      persistedClosed.length = committed.persistedClosedLength;
      Object.assign(counters, committed.counters);
      ({ seenPoints, earliestDeadlineMs, nextStoreScanMs } = committed);
      markCommitted();
    },

    get openCount() {
      return open.size;
    },
    get provisionalCount() {
      return provisional.size;
    },
    counters,
    get overBound() {
      return open.resident.size > options.maxResident;
    },
    openJourneyCounters: () => ({
      resident: open.resident.size, evicted: open.evictedCount, evictions: open.evictions, reloads: open.reloads,
      lateHopFilterEarlyRotations: recentlyClosed.earlyRotations + longWindowClosed.earlyRotations,
    }),
  };
}

const holdsHop = (h: JourneyHops, agentId: string, timeUs: number) => h.times.some((t, i) => t === timeUs && h.agentIds[i] === agentId);

/** The longest window any journey may have: the long-window key filter remembers keys this long. */
function longestWindowMs(catalogue: Catalogue, options: JoinOptions): number {
  const classes = Object.values(catalogue.data.responseClasses).map((c) => c.seconds * 1000);
  return Math.max(options.alertWindowMs, options.unknownSrvWindowMs, ...classes) + options.graceMs;
}
