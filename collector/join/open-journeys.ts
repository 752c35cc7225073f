// The open journeys: a bounded set resident in memory, the rest in the store.
//
// A journey older than persistAfterMs is checkpointed to open_journeys. When more than
// maxResident are in memory, the oldest checkpointed ones leave memory (they stay in the
// store, their keys in a Bloom filter); a hop for one of them brings it back. Journeys of
// the 24-hour class can so be held by the million without holding them all in memory.
//
// Changes follow the store's transaction (see joiner.ts): journeys added to or removed from
// memory since the last commit are noted, and abort() undoes them; a checkpoint marks its
// journeys persisted, and evicts, only at commit(), once they are really in the store.
import type { Journey } from './journey.js';
import { BloomFilter } from './key-filter.js';
import { KeyTable } from './key-table.js';
import type { OpenJourneyState } from './open-journey-state.js';
import { JoinKey } from './join-key.js';

/** A key's two hashes, as the Bloom filters use them. */
export interface KeyHashes {
  readonly hash: number;
  readonly hash2: number;
}

export interface OpenJourneyStore {
  /** The stored open journeys of those of `keys` that have one, in no particular order: one read for many keys. */
  loadOpenJourneys(keys: readonly string[]): OpenJourneyState[];
  /** Stored open journeys (of these partitions, when given) whose deadline has passed, earliest first. */
  dueOpenJourneys(nowMs: number, limit: number, partitions?: readonly number[]): OpenJourneyState[];
  /** The hashes of every stored open journey's key (of these partitions, when given; no key text to parse). */
  openJourneyHashes(partitions?: readonly number[]): Iterable<KeyHashes>;
}

export interface OpenJourneyOptions {
  readonly maxResident: number;
  /** Journeys checkpointed per checkpoint at most, so one checkpoint never stalls ingest. */
  readonly maxPersistPerCheckpoint: number;
}

export interface Checkpoint {
  readonly upserts: OpenJourneyState[];
  /** Log position from which a restart must replay: the first batch of any journey not yet checkpointed. */
  readonly replayFromBatchId: number;
  /** The same per held partition: the first batch of any of its journeys not yet checkpointed. */
  readonly positions: ReadonlyMap<number, number>;
}

/**
 * Sorted by key, the order of the store's primary key on open_journeys: a checkpoint then
 * writes each page of it once, in order, instead of about a page per row. On SQLite, writing
 * 50,000 states into a table of 160,000 took 25 to 70 µs of CPU a row in the order journeys
 * opened (by agent, then by time), 7 µs in key order.
 */
function inKeyOrder(states: OpenJourneyState[]): OpenJourneyState[] {
  return states.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export class OpenJourneys {
  readonly resident = new KeyTable<Journey>();
  private evicted: BloomFilter;
  /** Journeys in the store and not in memory. */
  evictedCount = 0;
  evictions = 0;
  reloads = 0;
  /** Since the last commit: journeys put in memory, taken out of it, and checkpointed. */
  private readonly added: Journey[] = [];
  private readonly removed: Journey[] = [];
  private readonly checkpointed: Journey[] = [];
  private checkpointRan = false;
  private committedCounts = { evictedCount: 0, evictions: 0, reloads: 0 };

  constructor(
    private readonly store: OpenJourneyStore,
    private readonly options: OpenJourneyOptions,
    private readonly revive: (state: OpenJourneyState) => Journey,
    /** The partitions whose stored journeys are this collector's to read: undefined when it holds them all. */
    private readonly scope: () => readonly number[] | undefined = () => undefined,
  ) {
    this.evicted = new BloomFilter(Math.max(1024, options.maxResident * 4));
  }

  get size(): number {
    return this.resident.size + this.evictedCount;
  }

  /** The open journey for a key, bringing it back from the store if it was evicted. */
  get(key: JoinKey): Journey | undefined {
    const j = this.resident.get(key);
    if (j !== undefined || this.evictedCount === 0 || !this.evicted.has(key)) return j;
    this.bringBack([key]);
    return this.resident.get(key);
  }

  /**
   * Brings the evicted journeys of `keys` (a batch's) back into memory with one read of the
   * store, instead of one read each as get() would: on PostgreSQL a read is a round trip.
   */
  bringBack(keys: readonly JoinKey[]): void {
    if (this.evictedCount === 0) return;
    const wanted: string[] = [];
    for (const key of keys) if (this.resident.get(key) === undefined && this.evicted.has(key)) wanted.push(key.toString());
    if (wanted.length === 0) return;
    for (const state of this.store.loadOpenJourneys(wanted)) {
      const back = this.revive(state);
      if (this.resident.get(back.key) !== undefined) continue;
      this.add(back);
      this.evictedCount--;
      this.reloads++;
    }
  }

  add(j: Journey): void {
    this.resident.set(j);
    this.added.push(j);
  }

  delete(j: Journey): void {
    this.resident.delete(j.key);
    this.removed.push(j);
  }

  /** The store committed: the checkpointed journeys are persisted, and memory may shrink to the bound. */
  commit(): void {
    for (const j of this.checkpointed) {
      j.persisted = true;
      j.dirty = false;
    }
    if (this.checkpointRan) this.evict();
    this.forget();
  }

  /** The store rolled back: memory holds the journeys it held at the last commit. */
  abort(): void {
    for (let i = this.removed.length - 1; i >= 0; i--) this.resident.set(this.removed[i]!);
    for (let i = this.added.length - 1; i >= 0; i--) {
      const j = this.added[i]!;
      if (this.resident.get(j.key) === j) this.resident.delete(j.key);
    }
    ({ evictedCount: this.evictedCount, evictions: this.evictions, reloads: this.reloads } = this.committedCounts);
    this.forget();
  }

  private forget(): void {
    this.added.length = 0;
    this.removed.length = 0;
    this.checkpointed.length = 0;
    this.checkpointRan = false;
    this.committedCounts = { evictedCount: this.evictedCount, evictions: this.evictions, reloads: this.reloads };
  }

  /**
   * Journeys older than persistAfterMs (new or changed since) to write; commit() then evicts down
   * to the bound. Replay positions are given for the `held` partitions only: a partition being
   * taken over is replayed first, and gets its position at the first checkpoint after.
   */
  checkpoint(nowMs: number, lastBatchId: number, persistAfterMs: number, stateOf: (j: Journey) => OpenJourneyState,
    partitionOf: (j: Journey) => number, held: readonly number[]): Checkpoint {
    const upserts: OpenJourneyState[] = [];
    let replayFrom = lastBatchId + 1;
    const positions = new Map(held.map((p) => [p, lastBatchId + 1]));
    // Over the bound, write as many as must leave memory, however many that is.
    const over = this.resident.size - this.options.maxResident;
    const limit = Math.max(this.options.maxPersistPerCheckpoint, over);
    for (const j of this.resident.values()) {
      const due = j.openedAtMs <= nowMs - persistAfterMs || upserts.length < over;
      let persisted = j.persisted;
      if (due && (!j.persisted || j.dirty) && upserts.length < limit) {
        upserts.push(stateOf(j));
        this.checkpointed.push(j);
        persisted = true;
      }
      if (!persisted && j.firstBatchId < replayFrom) replayFrom = j.firstBatchId;
      if (!persisted) {
        const p = partitionOf(j);
        const position = positions.get(p);
        if (position !== undefined && j.firstBatchId < position) positions.set(p, j.firstBatchId);
      }
    }
    this.checkpointRan = true;
    return { upserts: inKeyOrder(upserts), replayFromBatchId: replayFrom, positions };
  }

  /**
   * Handing partitions over: every resident journey of theirs not in the store as it is now, to
   * write; then each partition replays from after `lastBatchId`. Changes nothing in memory:
   * after the writes commit, forgetPartitions() does.
   */
  releaseCheckpoint(lastBatchId: number, released: (j: Journey) => boolean, partitions: readonly number[], stateOf: (j: Journey) => OpenJourneyState): Checkpoint {
    const upserts: OpenJourneyState[] = [];
    for (const j of this.resident.values()) if (released(j) && (!j.persisted || j.dirty)) upserts.push(stateOf(j));
    return { upserts: inKeyOrder(upserts), replayFromBatchId: lastBatchId + 1, positions: new Map(partitions.map((p) => [p, lastBatchId + 1])) };
  }

  /**
   * The released partitions' journeys are in the store and no longer this collector's: they
   * leave memory, and `storedReleased` (how many the store holds of them) leave the count of
   * evicted ones. Their keys stay in the filter: ingest takes in no batch of theirs, so none is looked up.
   */
  forgetPartitions(released: (j: Journey) => boolean, storedReleased: number): Journey[] {
    const gone: Journey[] = [];
    for (const j of this.resident.values()) if (released(j)) gone.push(j);
    for (const j of gone) this.resident.delete(j.key);
    this.evictedCount = Math.max(0, this.evictedCount - (storedReleased - gone.length));
    this.forget();
    return gone;
  }

  /** Evicted journeys whose deadline has passed, brought back to be closed. */
  due(nowMs: number, limit: number): Journey[] {
    if (this.evictedCount === 0) return [];
    const out: Journey[] = [];
    for (const state of this.store.dueOpenJourneys(nowMs, limit, this.scope())) {
      const key = JoinKey.parse(state.key);
      if (!key || this.resident.get(key)) continue;
      const j = this.revive(state);
      this.add(j);
      this.evictedCount--;
      out.push(j);
    }
    return out;
  }

  /**
   * After a restart, or when partitions are taken over: up to maxResident journeys in all come
   * back to memory, the others are only noted. Every stored key goes into the filter (a resident
   * one is found in memory first). Adds to what is held already.
   */
  restore(states: Iterable<OpenJourneyState>, allKeys: Iterable<KeyHashes>): Journey[] {
    const restored: Journey[] = [];
    for (const state of states) {
      if (this.resident.size >= this.options.maxResident) break;
      const j = this.revive(state);
      this.resident.set(j);
      restored.push(j);
    }
    let stored = 0;
    for (const hashes of allKeys) {
      this.evicted.add(hashes);
      stored++;
    }
    this.evictedCount += stored - restored.length;
    this.forget();
    return restored;
  }

  /** Oldest first (a Map keeps insertion order), only journeys already in the store. */
  private evict(): void {
    let excess = this.resident.size - this.options.maxResident;
    if (excess <= 0) return;
    if (this.evicted.full) this.rebuildFilter();
    for (const j of this.resident.values()) {
      if (excess <= 0) break;
      if (!j.persisted || j.dirty) continue;
      this.resident.delete(j.key);
      this.evicted.add(j.key);
      this.evictedCount++;
      this.evictions++;
      excess--;
    }
  }

  /** The filter only ever gains keys; when it fills up, start again from the store. */
  private rebuildFilter(): void {
    this.evicted = new BloomFilter(Math.max(1024, (this.evictedCount + this.options.maxResident) * 4));
    for (const hashes of this.store.openJourneyHashes(this.scope())) this.evicted.add(hashes);
  }
}
