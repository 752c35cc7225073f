// PostgreSQL implementation of RollupGroupStore: metric_groups and metric_reasons. Ids are
// given as max + 1 in the insert (metric-schema.ts): a rolled-back insert leaves no gap. Two
// writers adding at once would collide on the id and the second fail; the collector is the
// only writer.
import type { GroupFields, RollupGroupStore, StoredGroup } from '../ports/rollup-groups.js';
import type { SyncPostgres } from './sync-postgres.js';

/** Each field's column, in the order the columns are written. */
const COLUMNS: readonly (readonly [keyof GroupFields, string])[] = [
  ['kind', 'kind'], ['srv', 'srv'], ['region', 'region'], ['smets', 'smets'], ['deviceType', 'device_type'], ['deviceModel', 'device_model'],
  ['firmwareVersion', 'firmware_version'], ['chFirmwareVersion', 'ch_firmware_version'], ['userRole', 'user_role'], ['party', 'party'], ['tag', 'tag'],
];
const COLUMN_OF = new Map(COLUMNS);

const GROUPS_AFTER = `SELECT id, signature, ${COLUMNS.map(([f, c]) => `${c} AS "${f}"`).join(', ')} FROM metric_groups WHERE id > $1 ORDER BY id`;
const ADD_GROUP = `INSERT INTO metric_groups (id, signature, ${COLUMNS.map(([, c]) => c).join(', ')})
  SELECT coalesce(max(id), 0) + 1, $1, ${COLUMNS.map((_, i) => `$${i + 2}`).join(', ')} FROM metric_groups RETURNING id`;

export function createPostgresRollupGroups(db: SyncPostgres): RollupGroupStore {
  return {
    groupsAfter: (afterId) => db.query<GroupFields & { id: number; signature: string }>(GROUPS_AFTER, [afterId])
      .map(({ id, signature, ...fields }): StoredGroup => ({ id, signature, fields })),
    fieldAfter: (field, afterId) => db.query<{ v: string }>(`SELECT ${COLUMN_OF.get(field)!} AS v FROM metric_groups WHERE id > $1 ORDER BY id`, [afterId]).map((r) => r.v),
    addGroup: (signature, fields) => db.query<{ id: number }>(ADD_GROUP, [signature, ...COLUMNS.map(([f]) => fields[f])])[0]!.id,
    reasons: () => db.query<{ id: number; reason: string }>('SELECT id, reason FROM metric_reasons ORDER BY id'),
    addReason: (reason) => db.query<{ id: number }>('INSERT INTO metric_reasons (id, reason) SELECT coalesce(max(id), 0) + 1, $1 FROM metric_reasons RETURNING id', [reason])[0]!.id,
  };
}
