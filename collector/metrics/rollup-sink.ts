// The metric engine's RecordSink. It runs inside the transaction that writes the records, so
// rollups commit with them or not at all, and survive restarts with them. Per tick it:
//   1. retracts each amended record's previous version and adds the new one, as facts
//      (one fact batch per tick), under the sequence tag decided when first written;
//   2. updates the availability evidence, the Change of Supplier table, the parties' estates, the
//      alert sequences and the failure alerts' links to SRs;
//   3. folds pending facts into the rollups when foldMaxRecords are pending or
//      foldIntervalMs has passed (the pending facts are the bound; queries read them too), and
//      compacts closed days (fold.ts);
// Invariant: each record in the journeys table is counted exactly once in facts (folded or not).
// Memory follows the transaction (collector/join/record-sink.ts): committed() and rolledBack() pass to every
// tracker, and the sink's own marks and counters are restored on a rollback.
import type { RecordWrite } from '../join/joiner.js';
import type { MetricRollupStore } from '../store/ports/metric-rollups.js';
import type { AgentStatusRow } from '../store/store.js';
import type { ActivityTracker } from './activity.js';
import type { CosTracker } from './cos-tracker.js';
import type { EstateTracker } from './estate-tracker.js';
import type { FailureLinkTracker } from './failure-link-tracker.js';
import type { Folder } from './fold.js';
import type { GroupRegistry } from './groups.js';
import { SUCCESS_REASON } from './groups.js';
import { deviceOf, FactBuffer, type FactMaker } from './record-facts.js';
import type { RecordSink } from '../join/record-sink.js';
import type { SequenceEventTracker } from './sequence-event-tracker.js';
import type { SequenceTags } from './sequence-tags.js';

export interface RollupSinkOptions {
  readonly foldIntervalMs: number;
  readonly foldMaxRecords: number;
}

export interface RollupSinkParts {
  readonly rollups: MetricRollupStore;
  readonly groups: GroupRegistry;
  readonly facts: FactMaker;
  readonly tags: SequenceTags;
  readonly cos: CosTracker;
  readonly estate: EstateTracker;
  readonly sequenceEvents: SequenceEventTracker;
  readonly failureLinks: FailureLinkTracker;
  readonly activity: ActivityTracker;
  readonly folder: Folder;
  readonly agentStatuses: () => readonly AgentStatusRow[];
}

export interface RollupCounters {
  records: number;
  retractions: number;
  folds: number;
  foldedRecords: number;
  lastFoldMs: number;
  /** The longest fold so far, compaction included (it runs inside an ingest tick: the tick waits for it). */
  slowestFoldMs: number;
  /** Transactions rolled back after the sink had seen their records. */
  rollbacksSeen: number;
}

export interface RollupSink extends RecordSink {
  readonly counters: Readonly<RollupCounters>;
  /** Folds everything pending, and compacts (within the budget) what is due at nowMs. Call inside a transaction, then committed() or rolledBack(). */
  foldNow(nowMs: number): void;
  /** Reads every cache again from the store (after a rebuild emptied what is derived). */
  reload(): void;
}

export function createRollupSink(p: RollupSinkParts, options: RollupSinkOptions): RollupSink {
  const buffer = new FactBuffer();
  const counters: RollupCounters = { records: 0, retractions: 0, folds: 0, foldedRecords: 0, lastFoldMs: 0, slowestFoldMs: 0, rollbacksSeen: 0 };
  let pending = p.folder.pendingRecords();
  let lastFoldAtMs: number | undefined;
  /** The sink's own state as of the last commit. */
  let committed = { counters: { ...counters }, pending, lastFoldAtMs };
  const followers = [p.groups, p.cos, p.estate, p.sequenceEvents, p.failureLinks, p.activity, p.folder];

  const reload = () => {
    p.groups.reload();
    p.cos.reload();
    p.activity.reload();
    p.folder.reload();
    pending = p.folder.pendingRecords();
    committed = { counters: { ...counters }, pending, lastFoldAtMs };
  };

  const apply = (w: RecordWrite) => {
    const r = w.record;
    const device = () => deviceOf(r.kind, w.joinKey);
    let tag: string;
    if (w.amends) {
      const prev = w.amends.previous;
      const prevTag = p.tags.tagOf(prev.key, prev.startedUs);
      p.facts.append(buffer, prev, w.joinKey, prevTag, -1);
      p.activity.add(prev, -1);
      p.cos.retract(prev, r);
      counters.retractions++;
      if (prevTag === '') tag = p.tags.tagNew(r, device);
      else {
        tag = prevTag;
        p.tags.retag(r.key, prev.startedUs, r.startedUs, prevTag);
      }
    } else tag = p.tags.tagNew(r, device);
    const groupId = p.facts.append(buffer, r, w.joinKey, tag, 1);
    p.activity.add(r, 1);
    p.estate.add(r, w.joinKey);
    p.sequenceEvents.add(r, w.joinKey, w.amends?.previous);
    p.failureLinks.add(r, w.joinKey);
    if (r.kind === 'request') p.cos.add(r, groupId, r.outcome === 'success' ? SUCCESS_REASON : p.groups.reasonId(r.reason ?? 'failure'), w.joinKey);
    counters.records++;
  };

  const foldNow = (nowMs: number) => {
    const started = performance.now();
    counters.foldedRecords += p.folder.fold(nowMs);
    counters.folds++;
    counters.lastFoldMs = performance.now() - started;
    counters.slowestFoldMs = Math.max(counters.slowestFoldMs, counters.lastFoldMs);
    pending = 0;
  };

  return {
    counters,
    onRecords(writes, nowMs) {
      buffer.clear();
      p.tags.prefetch(writes);
      for (const w of writes) apply(w);
      if (buffer.count > 0) {
        const facts = buffer.view();
        p.rollups.appendFacts(buffer.count, new Uint8Array(facts.buffer, facts.byteOffset, facts.byteLength));
        pending += buffer.count;
      }
      p.estate.flush();
      p.sequenceEvents.flush();
      p.failureLinks.flush();
      p.activity.flush();
      p.activity.poll(nowMs, p.agentStatuses);
      lastFoldAtMs ??= nowMs;
      // Folds also run with nothing pending: closed days and months still need compacting.
      if (pending >= options.foldMaxRecords || nowMs - lastFoldAtMs >= options.foldIntervalMs) {
        foldNow(nowMs);
        lastFoldAtMs = nowMs;
      }
    },
    committed() {
      for (const f of followers) f.committed();
      committed = { counters: { ...counters }, pending, lastFoldAtMs };
    },
    rolledBack() {
      for (const f of followers) f.rolledBack();
      Object.assign(counters, committed.counters, { rollbacksSeen: counters.rollbacksSeen + 1 });
      ({ pending, lastFoldAtMs } = committed);
    },
    foldNow,
    reload,
  };
}
