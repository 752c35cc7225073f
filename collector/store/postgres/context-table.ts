// The contexts table on PostgreSQL, for the shared registry (store/context-registry.ts).
// Two collectors may insert the same context at once: the loser of the race reads the
// winner's id.
import { CONTEXT_COLUMNS, createContextRegistryOn, type ContextRegistry, type ContextTable } from '../context-registry.js';
import type { SyncPostgres } from './sync-postgres.js';

const columns = CONTEXT_COLUMNS.map(([, c]) => c).join(', ');

export function createPostgresContextRegistry(db: SyncPostgres): ContextRegistry {
  const idOf = (signature: string) => db.query<{ id: number }>('SELECT id FROM contexts WHERE signature = $1', [signature])[0]?.id;
  const table: ContextTable = {
    all: () => db.query(`SELECT id, signature, ${CONTEXT_COLUMNS.map(([f, c]) => `${c} AS "${f}"`).join(', ')} FROM contexts`),
    idOf,
    insert(signature, values) {
      const inserted = db.query<{ id: number }>(
        `INSERT INTO contexts (signature, ${columns}) VALUES ($1, ${CONTEXT_COLUMNS.map((_, i) => `$${i + 2}`).join(', ')}) ON CONFLICT (signature) DO NOTHING RETURNING id`,
        [signature, ...values],
      );
      return inserted[0]?.id ?? idOf(signature)!;
    },
  };
  return createContextRegistryOn(table);
}
