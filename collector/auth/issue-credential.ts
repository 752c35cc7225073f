// A new credential for an agent: the secret (handed out once) and what the store keeps of it.
import { deriveAckKey } from '../../common/ack-signature.js';
import type { AgentCredential, AgentCredentialStore } from '../store/ports/agent-credentials.js';
import { hashSecret, newAgentSecret } from './secret-hash.js';

export async function issueAgentCredential(agentId: string, nowMs: number): Promise<{ secret: string; credential: AgentCredential }> {
  const secret = newAgentSecret();
  return { secret, credential: { agentId, secretHash: await hashSecret(secret), ackKey: deriveAckKey(secret), createdAtMs: nowMs } };
}

/** New secrets for `agentIds`, replacing any they had (the demo's simulated agents); by agent id. */
export async function rotateAgentCredentials(store: AgentCredentialStore, agentIds: readonly string[], nowMs: number): Promise<Record<string, string>> {
  const secrets: Record<string, string> = {};
  for (const agentId of agentIds) {
    const { secret, credential } = await issueAgentCredential(agentId, nowMs);
    store.add(credential, { rotate: true });
    secrets[agentId] = secret;
  }
  return secrets;
}
