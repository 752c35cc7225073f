// SQLite implementation of ApiTokenStore, on the collector's database (tables of migration 3).
// `hopwatch tokens` writes through its own connection; the running collector polls the
// change counter (WAL lets both work at once).
import type Database from 'better-sqlite3';
import type { ApiTokenRecord, ApiTokenStore } from '../ports/api-tokens.js';

interface TokenRow {
  id: string; hash: Buffer; scope: string; party: string | null; roles: string; label: string; created_at_ms: number; revoked_at_ms: number | null;
}

const recordOf = (r: TokenRow): ApiTokenRecord => ({
  id: r.id, scope: r.scope, party: r.party, roles: r.roles === '' ? [] : r.roles.split(','),
  label: r.label, createdAtMs: r.created_at_ms, revokedAtMs: r.revoked_at_ms,
});

export function createSqliteApiTokens(db: Database.Database): ApiTokenStore {
  const s = {
    insert: db.prepare('INSERT INTO api_tokens (id, hash, scope, party, roles, label, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    list: db.prepare('SELECT * FROM api_tokens ORDER BY created_at_ms, id'),
    active: db.prepare('SELECT * FROM api_tokens WHERE revoked_at_ms IS NULL'),
    revoke: db.prepare('UPDATE api_tokens SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL'),
    bump: db.prepare('UPDATE api_token_changes SET counter = counter + 1 WHERE id = 1'),
    counter: db.prepare('SELECT counter FROM api_token_changes WHERE id = 1').pluck(),
  };
  const insert = db.transaction((t: Parameters<ApiTokenStore['insert']>[0]) => {
    s.insert.run(t.id, Buffer.from(t.hash), t.scope, t.party, t.roles.join(','), t.label, t.createdAtMs);
    s.bump.run();
  });
  const revoke = db.transaction((id: string, nowMs: number) => {
    const changed = s.revoke.run(nowMs, id).changes > 0;
    if (changed) s.bump.run();
    return changed;
  });
  return {
    insert: (t) => insert(t),
    list: () => (s.list.all() as TokenRow[]).map(recordOf),
    revoke: (id, nowMs) => revoke(id, nowMs),
    active: () => (s.active.all() as TokenRow[]).map((r) => ({ hash: new Uint8Array(r.hash), record: recordOf(r) })),
    changeCounter: () => s.counter.get() as number,
  };
}
