// AgentCredentialStore on PostgreSQL (tables of migration core-2), with the contract of the
// SQLite one: each change bumps agent_credential_changes.counter in the same transaction, so
// running collectors notice changes made by `hopwatch agents` with one tiny read.
import { credentialOf as fromRow, type CredentialRow } from '../credential-row.js';
import type { AddCredentialResult, AgentCredentialStore } from '../ports/agent-credentials.js';
import type { SyncPostgres } from './sync-postgres.js';

export function createPostgresAgentCredentials(db: SyncPostgres): AgentCredentialStore {
  const bump = () => db.query('UPDATE agent_credential_changes SET counter = counter + 1 WHERE id = 1');
  const get = (agentId: string, lock = '') => db.query<CredentialRow>(`SELECT * FROM agent_credentials WHERE agent_id = $1${lock}`, [agentId])[0];
  return {
    add: (c, options) => db.transaction((): AddCredentialResult => {
      // The counter row's lock makes the read of the current credential and the write one step
      // even with another process adding the same agent.
      db.query('SELECT counter FROM agent_credential_changes WHERE id = 1 FOR UPDATE');
      const current = get(c.agentId);
      const active = current !== undefined && current.revoked_at_ms === null;
      if (active && options?.rotate !== true) return 'exists';
      db.query(`INSERT INTO agent_credentials (agent_id, secret_hash, ack_key, created_at_ms, revoked_at_ms) VALUES ($1, $2, $3, $4, NULL)
        ON CONFLICT (agent_id) DO UPDATE SET secret_hash = excluded.secret_hash, ack_key = excluded.ack_key, created_at_ms = excluded.created_at_ms, revoked_at_ms = NULL`,
      [c.agentId, c.secretHash, c.ackKey, c.createdAtMs]);
      bump();
      return active ? 'rotated' : 'added';
    }),
    list: () => db.query<CredentialRow>('SELECT * FROM agent_credentials ORDER BY agent_id COLLATE "C"').map(fromRow),
    get(agentId) {
      const row = get(agentId);
      return row && fromRow(row);
    },
    revoke: (agentId, nowMs) => db.transaction(() => {
      if (db.query('UPDATE agent_credentials SET revoked_at_ms = $1 WHERE agent_id = $2 AND revoked_at_ms IS NULL RETURNING agent_id', [nowMs, agentId]).length === 0) return false;
      bump();
      return true;
    }),
    changeCounter: () => db.query<{ counter: number }>('SELECT counter FROM agent_credential_changes WHERE id = 1')[0]!.counter,
  };
}
