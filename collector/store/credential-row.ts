// An agent credential as both backends keep it (table agent_credentials), and the credential
// read back from a row.
import type { AgentCredential } from './ports/agent-credentials.js';

export interface CredentialRow {
  agent_id: string;
  secret_hash: string;
  ack_key: Uint8Array;
  created_at_ms: number;
  revoked_at_ms: number | null;
}

export const credentialOf = (r: CredentialRow): AgentCredential => ({
  agentId: r.agent_id,
  secretHash: r.secret_hash,
  ackKey: new Uint8Array(r.ack_key),
  createdAtMs: r.created_at_ms,
  ...(r.revoked_at_ms !== null ? { revokedAtMs: r.revoked_at_ms } : {}),
});
