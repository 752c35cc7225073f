// A new credential for an agent: the secret (handed out once) and what the store keeps of it.
import { deriveAckKey } from '../../common/ack-signature.js';
import type { AgentCredential } from '../store/ports/agent-credentials.js';
import { hashSecret, newAgentSecret } from './secret-hash.js';

export async function issueAgentCredential(agentId: string, nowMs: number): Promise<{ secret: string; credential: AgentCredential }> {
  const secret = newAgentSecret();
  return { secret, credential: { agentId, secretHash: await hashSecret(secret), ackKey: deriveAckKey(secret), createdAtMs: nowMs } };
}
