// Groups and failure reasons are few and repeat on every record: each is stored once
// (RollupGroupStore) and rollups refer to it by id. Ids are cached; the ids a rolled-back
// transaction created are forgotten (record-sink.ts), so that an id whose row vanished is
// never handed out again.
import type { RollupGroupStore } from '../store/ports/rollup-groups.js';
import { groupSignature, type GroupDims } from './dimensions.js';
import type { TransactionFollower } from '../join/record-sink.js';
import { createUndoJournal } from './undo-journal.js';

/** Identifies a record's group without building it: its (interned) context, party EUI-64 halves and tag. */
export interface GroupKey {
  readonly context: object;
  readonly partyHi: number;
  readonly partyLo: number;
  /** The sequence tag, prefixed when the record is an alert. */
  readonly tag: string;
}

export interface GroupRegistry extends TransactionFollower {
  idOf(g: GroupDims): number;
  /** idOf for a record: answered from a cache keyed by the context object and numbers; `build` only on a miss. */
  idFor(key: GroupKey, build: () => GroupDims): number;
  group(id: number): GroupDims | undefined;
  /** Every group, by id. */
  all(): ReadonlyMap<number, GroupDims>;
  /**
   * One field of every group, indexed by group id (ids run 1..n without gaps). A query over a
   * month reads only the fields it slices by: loading every field of 100,000 groups costs more.
   */
  column(field: keyof GroupDims): readonly string[];
  reasonId(reason: string): number;
  reason(id: number): string;
  reload(): void;
}

/** Reason id 0 is success; failures get ids from 1. */
export const SUCCESS_REASON = 0;

/**
 * Group id 0 aggregates all the requests of a rollup row's SRV whatever their group (it is
 * stored as the row's part 0): the RSVP table per SRV, and the total, read that alone, one
 * sorted run of values per day, instead of every group's. Real groups have ids from 1.
 */
export const ALL_REQUESTS = 0;

export function createGroupRegistry(store: RollupGroupStore, readonly = false): GroupRegistry {
  const byId = new Map<number, GroupDims>();
  const bySignature = new Map<string, number>();
  const reasons = new Map<number, string>();
  const reasonIds = new Map<string, number>();
  const columns = new Map<keyof GroupDims, string[]>();
  const journal = createUndoJournal();
  let maxId = 0;
  // Contexts arrive interned (one object per distinct context), so most records are found by identity.
  let byContext = new WeakMap<object, Map<number, Map<number, Map<string, number>>>>();

  /** Loads groups added since the last call (all of them the first time). */
  const loadNewGroups = () => {
    for (const g of store.groupsAfter(maxId)) {
      byId.set(g.id, g.fields as GroupDims);
      bySignature.set(g.signature, g.id);
      maxId = Math.max(maxId, g.id);
    }
  };
  const loadReasons = () => {
    reasons.clear();
    reasonIds.clear();
    for (const r of store.reasons()) {
      reasons.set(r.id, r.reason);
      reasonIds.set(r.reason, r.id);
    }
  };
  // Groups load lazily: a report that only needs a column or two never builds them all.
  let loaded = false;
  const ensureLoaded = () => {
    if (loaded) return;
    loadNewGroups();
    loaded = true;
  };
  const reload = () => {
    journal.commit();
    byContext = new WeakMap();
    columns.clear();
    byId.clear();
    bySignature.clear();
    maxId = 0;
    loaded = false;
    loadReasons();
  };
  reload();

  const registry: GroupRegistry = {
    idFor(key, build) {
      let byHi = byContext.get(key.context);
      if (!byHi) byContext.set(key.context, (byHi = new Map()));
      let byLo = byHi.get(key.partyHi);
      if (!byLo) byHi.set(key.partyHi, (byLo = new Map()));
      let byTag = byLo.get(key.partyLo);
      if (!byTag) byLo.set(key.partyLo, (byTag = new Map()));
      let id = byTag.get(key.tag);
      if (id === undefined) {
        byTag.set(key.tag, (id = registry.idOf(build())));
        const cached = byTag;
        journal.add(() => cached.delete(key.tag));
      }
      return id;
    },
    idOf(g) {
      ensureLoaded();
      const signature = groupSignature(g);
      let id = bySignature.get(signature);
      if (id !== undefined) return id;
      if (readonly) throw new Error('group registry is read-only');
      // Another collector on the same store may have added it since (README "Running several collectors").
      loadNewGroups();
      id = bySignature.get(signature);
      if (id !== undefined) return id;
      const added = store.addGroup(signature, g);
      const previousMaxId = maxId;
      byId.set(added, { ...g });
      bySignature.set(signature, added);
      maxId = Math.max(maxId, added);
      journal.add(() => {
        byId.delete(added);
        bySignature.delete(signature);
        maxId = previousMaxId;
        for (const values of columns.values()) if (values.length > added) values.length = added;
      });
      return added;
    },
    group(id) {
      ensureLoaded();
      if (!byId.has(id)) loadNewGroups();
      return byId.get(id);
    },
    all() {
      ensureLoaded();
      loadNewGroups();
      return byId;
    },
    column(field) {
      let values = columns.get(field);
      if (!values) columns.set(field, (values = ['']));
      for (const v of store.fieldAfter(field, values.length - 1)) values.push(v);
      return values;
    },
    reasonId(reason) {
      let id = reasonIds.get(reason);
      if (id !== undefined) return id;
      if (readonly) throw new Error('group registry is read-only');
      loadReasons();
      id = reasonIds.get(reason);
      if (id !== undefined) return id;
      const added = store.addReason(reason);
      reasons.set(added, reason);
      reasonIds.set(reason, added);
      journal.add(() => {
        reasons.delete(added);
        reasonIds.delete(reason);
      });
      return added;
    },
    reason(id) {
      if (!reasons.has(id)) loadReasons();
      return reasons.get(id) ?? `reason-${id}`;
    },
    reload,
    committed: journal.commit,
    rolledBack: journal.rollBack,
  };
  return registry;
}
