// Named values of the store (the replay position, how far payloads are pruned).
import type { SyncPostgres } from './sync-postgres.js';

export interface MetaTable {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

export function createMetaTable(db: SyncPostgres): MetaTable {
  return {
    get: (name) => db.query<{ value: string }>('SELECT value FROM meta WHERE name = $1', [name])[0]?.value,
    set: (name, value) => void db.query('INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value]),
  };
}
