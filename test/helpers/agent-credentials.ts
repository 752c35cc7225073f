// Agent credentials in a collector's real SQLite file, and the broker's refusal counter as
// Prometheus serves it.
import { join } from 'node:path';
import { issueAgentCredential } from '../../collector/auth/issue-credential.js';
import { hashSecret } from '../../collector/auth/secret-hash.js';
import { deriveAckKey } from '../../common/ack-signature.js';
import { openSqliteStore } from '../../collector/store/sqlite-store.js';
import { createSqliteAgentCredentials } from '../../collector/store/sqlite/agent-credentials.js';
import type { AgentCredentialStore } from '../../collector/store/ports/agent-credentials.js';

/** Runs `fn` on the credential store of `dir`'s collector database (collector.db, as testCollectorConfig names it), through a connection of its own. */
export async function withCredentialStore<T>(dir: string, fn: (store: AgentCredentialStore) => T | Promise<T>): Promise<T> {
  const db = openSqliteStore({ file: join(dir, 'collector.db'), synchronous: 'normal' });
  try {
    return await fn(createSqliteAgentCredentials(db.db));
  } finally {
    db.close();
  }
}

/** Adds a credential for each agent id; returns the secrets by agent id. */
export function seedAgents(dir: string, agentIds: readonly string[]): Promise<Record<string, string>> {
  return withCredentialStore(dir, async (store) => {
    const secrets: Record<string, string> = {};
    for (const id of agentIds) {
      const { secret, credential } = await issueAgentCredential(id, Date.now());
      store.add(credential);
      secrets[id] = secret;
    }
    return secrets;
  });
}

/** Adds a credential with a secret the test chose (what `hopwatch agents add` would have printed). */
export function seedAgentSecret(dir: string, agentId: string, secret: string): Promise<void> {
  return withCredentialStore(dir, async (store) => {
    store.add({ agentId, secretHash: await hashSecret(secret), ackKey: deriveAckKey(secret), createdAtMs: Date.now() });
  });
}

/** hopwatch_mqtt_denied_total{action,reason} from GET /metrics (0 when absent). */
export async function deniedCount(httpUrl: string, action: string, reason: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`hopwatch_mqtt_denied_total{action="${action}",reason="${reason}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}
