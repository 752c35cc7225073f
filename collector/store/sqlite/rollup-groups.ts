// SQLite implementation of RollupGroupStore: metric_groups and metric_reasons.
import type Database from 'better-sqlite3';
import type { GroupFields, RollupGroupStore, StoredGroup } from '../ports/rollup-groups.js';

/** Each field's column, in the order the columns are written. */
const COLUMNS: readonly (readonly [keyof GroupFields, string])[] = [
  ['kind', 'kind'], ['srv', 'srv'], ['region', 'region'], ['smets', 'smets'], ['deviceType', 'device_type'], ['deviceModel', 'device_model'],
  ['firmwareVersion', 'firmware_version'], ['chFirmwareVersion', 'ch_firmware_version'], ['userRole', 'user_role'], ['party', 'party'], ['tag', 'tag'],
];

export function createSqliteRollupGroups(db: Database.Database): RollupGroupStore {
  const s = {
    groupsAfter: db.prepare(`SELECT id, signature, ${COLUMNS.map(([f, c]) => `${c} AS ${f}`).join(', ')} FROM metric_groups WHERE id > ? ORDER BY id`),
    addGroup: db.prepare(`INSERT INTO metric_groups (signature, ${COLUMNS.map(([, c]) => c).join(', ')}) VALUES (?, ${COLUMNS.map(() => '?').join(', ')})`),
    reasons: db.prepare('SELECT id, reason FROM metric_reasons'),
    addReason: db.prepare('INSERT INTO metric_reasons (reason) VALUES (?)'),
  };
  const fieldAfter = new Map(COLUMNS.map(([f, c]) => [f, db.prepare(`SELECT ${c} FROM metric_groups WHERE id > ? ORDER BY id`).pluck()]));

  return {
    groupsAfter: (afterId) => (s.groupsAfter.all(afterId) as (GroupFields & { id: number; signature: string })[])
      .map(({ id, signature, ...fields }): StoredGroup => ({ id, signature, fields })),
    fieldAfter: (field, afterId) => fieldAfter.get(field)!.all(afterId) as string[],
    addGroup: (signature, fields) => Number(s.addGroup.run(signature, ...COLUMNS.map(([f]) => fields[f])).lastInsertRowid),
    reasons: () => s.reasons.all() as { id: number; reason: string }[],
    addReason: (reason) => Number(s.addReason.run(reason).lastInsertRowid),
  };
}
