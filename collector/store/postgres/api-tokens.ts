// ApiTokenStore on PostgreSQL (tables of migration core-2), with the contract of the SQLite
// one: every insert and revoke bumps api_token_changes.counter in its transaction.
import type { ApiTokenRecord, ApiTokenStore } from '../ports/api-tokens.js';
import type { SyncPostgres } from './sync-postgres.js';

interface TokenRow {
  id: string; hash: Uint8Array; scope: string; party: string | null; roles: string; label: string; created_at_ms: number; revoked_at_ms: number | null;
}

const recordOf = (r: TokenRow): ApiTokenRecord => ({
  id: r.id, scope: r.scope, party: r.party, roles: r.roles === '' ? [] : r.roles.split(','),
  label: r.label, createdAtMs: r.created_at_ms, revokedAtMs: r.revoked_at_ms,
});

export function createPostgresApiTokens(db: SyncPostgres): ApiTokenStore {
  const bump = () => db.query('UPDATE api_token_changes SET counter = counter + 1 WHERE id = 1');
  return {
    insert: (t) => db.transaction(() => {
      db.query('INSERT INTO api_tokens (id, hash, scope, party, roles, label, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [t.id, t.hash, t.scope, t.party, t.roles.join(','), t.label, t.createdAtMs]);
      bump();
    }),
    list: () => db.query<TokenRow>('SELECT * FROM api_tokens ORDER BY created_at_ms, id COLLATE "C"').map(recordOf),
    revoke: (id, nowMs) => db.transaction(() => {
      const changed = db.query('UPDATE api_tokens SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL RETURNING id', [nowMs, id]).length > 0;
      if (changed) bump();
      return changed;
    }),
    active: () => db.query<TokenRow>('SELECT * FROM api_tokens WHERE revoked_at_ms IS NULL').map((r) => ({ hash: new Uint8Array(r.hash), record: recordOf(r) })),
    changeCounter: () => db.query<{ counter: number }>('SELECT counter FROM api_token_changes WHERE id = 1')[0]!.counter,
  };
}
