// AgentCredentialStore in the collector's SQLite file (table agent_credentials, see store/migrations.ts).
// Each change bumps agent_credential_changes.counter in the same transaction, so a running
// collector notices changes made by `hopwatch agents` in another process with one tiny read.
import type Database from 'better-sqlite3';
import { credentialOf as fromRow, type CredentialRow } from '../credential-row.js';
import type { AddCredentialResult, AgentCredential, AgentCredentialStore } from '../ports/agent-credentials.js';

export function createSqliteAgentCredentials(db: Database.Database): AgentCredentialStore {
  const s = {
    get: db.prepare('SELECT * FROM agent_credentials WHERE agent_id = ?'),
    list: db.prepare('SELECT * FROM agent_credentials ORDER BY agent_id'),
    upsert: db.prepare(`INSERT INTO agent_credentials (agent_id, secret_hash, ack_key, created_at_ms, revoked_at_ms) VALUES (?, ?, ?, ?, NULL)
      ON CONFLICT (agent_id) DO UPDATE SET secret_hash = excluded.secret_hash, ack_key = excluded.ack_key, created_at_ms = excluded.created_at_ms, revoked_at_ms = NULL`),
    revoke: db.prepare('UPDATE agent_credentials SET revoked_at_ms = ? WHERE agent_id = ? AND revoked_at_ms IS NULL'),
    bump: db.prepare('UPDATE agent_credential_changes SET counter = counter + 1'),
    counter: db.prepare('SELECT counter FROM agent_credential_changes').pluck(),
  };

  // IMMEDIATE: the read of the current row and the write are one step even with another process writing.
  const add = db.transaction((c: AgentCredential, rotate: boolean): AddCredentialResult => {
    const current = s.get.get(c.agentId) as CredentialRow | undefined;
    const active = current !== undefined && current.revoked_at_ms === null;
    if (active && !rotate) return 'exists';
    s.upsert.run(c.agentId, c.secretHash, Buffer.from(c.ackKey), c.createdAtMs);
    s.bump.run();
    return active ? 'rotated' : 'added';
  });
  const revoke = db.transaction((agentId: string, nowMs: number): boolean => {
    if (s.revoke.run(nowMs, agentId).changes === 0) return false;
    s.bump.run();
    return true;
  });

  return {
    add: (credential, options) => add.immediate(credential, options?.rotate === true),
    list: () => (s.list.all() as CredentialRow[]).map(fromRow),
    get(agentId) {
      const row = s.get.get(agentId) as CredentialRow | undefined;
      return row && fromRow(row);
    },
    revoke: (agentId, nowMs) => revoke.immediate(agentId, nowMs),
    changeCounter: () => s.counter.get() as number,
  };
}
