// Groups and failure reasons are few and repeat on every record: each is stored once
// (metric_groups, metric_reasons) and rollups refer to it by id. Ids are cached; after a
// rolled-back transaction the caches are reloaded (see rollup-sink.ts) so that an id whose
// row vanished is never handed out again.
import type Database from 'better-sqlite3';
import { GROUP_FIELDS, groupSignature, type GroupDims, type RecordKind } from './dimensions.js';

const COLUMNS = ['kind', 'srv', 'region', 'smets', 'device_type', 'device_model', 'firmware_version', 'ch_firmware_version', 'user_role', 'party', 'tag'] as const;
type Row = Record<(typeof COLUMNS)[number] | 'signature', string> & { id: number; kind: RecordKind };

/** Identifies a record's group without building it: its (interned) context, party EUI-64 halves and tag. */
export interface GroupKey {
  readonly context: object;
  readonly partyHi: number;
  readonly partyLo: number;
  /** The sequence tag, prefixed when the record is an alert. */
  readonly tag: string;
}

export interface GroupRegistry {
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

export function createGroupRegistry(db: Database.Database, readonly = false): GroupRegistry {
  const byId = new Map<number, GroupDims>();
  const bySignature = new Map<string, number>();
  const reasons = new Map<number, string>();
  const reasonIds = new Map<string, number>();
  const columns = new Map<keyof GroupDims, string[]>();
  const selectGroups = db.prepare(`SELECT id, signature, ${COLUMNS.join(', ')} FROM metric_groups WHERE id > ? ORDER BY id`);
  const selectColumn = (field: keyof GroupDims) => db.prepare(`SELECT ${COLUMNS[GROUP_FIELDS.indexOf(field)]} FROM metric_groups WHERE id > ? ORDER BY id`).pluck();
  const selectReasons = db.prepare('SELECT id, reason FROM metric_reasons');
  const insertGroup = readonly ? undefined : db.prepare(`INSERT INTO metric_groups (signature, ${COLUMNS.join(', ')}) VALUES (?, ${COLUMNS.map(() => '?').join(', ')})`);
  const insertReason = readonly ? undefined : db.prepare('INSERT INTO metric_reasons (reason) VALUES (?)');
  let maxId = 0;
  // Contexts arrive interned (one object per distinct context), so most records are found by identity.
  let byContext = new WeakMap<object, Map<number, Map<number, Map<string, number>>>>();

  /** Loads groups added since the last call (all of them the first time). */
  const loadNewGroups = () => {
    for (const r of selectGroups.all(maxId) as Row[]) {
      byId.set(r.id, {
        kind: r.kind, srv: r.srv, region: r.region, smets: r.smets, deviceType: r.device_type, deviceModel: r.device_model,
        firmwareVersion: r.firmware_version, chFirmwareVersion: r.ch_firmware_version, userRole: r.user_role, party: r.party, tag: r.tag,
      });
      bySignature.set(r.signature, r.id);
      maxId = Math.max(maxId, r.id);
    }
  };
  const loadReasons = () => {
    reasons.clear();
    reasonIds.clear();
    for (const r of selectReasons.all() as { id: number; reason: string }[]) {
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
      if (id === undefined) byTag.set(key.tag, (id = registry.idOf(build())));
      return id;
    },
    idOf(g) {
      ensureLoaded();
      const signature = groupSignature(g);
      let id = bySignature.get(signature);
      if (id !== undefined) return id;
      if (!insertGroup) throw new Error('group registry is read-only');
      id = Number(insertGroup.run(signature, ...GROUP_FIELDS.map((f) => g[f])).lastInsertRowid);
      byId.set(id, { ...g });
      bySignature.set(signature, id);
      maxId = Math.max(maxId, id);
      return id;
    },
    group(id) {
      ensureLoaded();
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
      for (const v of selectColumn(field).all(values.length - 1) as string[]) values.push(v);
      return values;
    },
    reasonId(reason) {
      let id = reasonIds.get(reason);
      if (id !== undefined) return id;
      if (!insertReason) throw new Error('group registry is read-only');
      id = Number(insertReason.run(reason).lastInsertRowid);
      reasons.set(id, reason);
      reasonIds.set(reason, id);
      return id;
    },
    reason(id) {
      if (!reasons.has(id)) loadReasons();
      return reasons.get(id) ?? `reason-${id}`;
    },
    reload,
  };
  return registry;
}
