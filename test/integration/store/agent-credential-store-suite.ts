// What every AgentCredentialStore must do, whatever keeps it: run by each implementation's
// test with a factory for a fresh, empty database that can be connected to more than once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueAgentCredential } from '../../../collector/auth/issue-credential.js';
import type { AgentCredentialStore } from '../../../collector/store/ports/agent-credentials.js';
import { deriveAckKey } from '../../../common/ack-signature.js';

export interface CredentialDatabase {
  /** The credential store on a connection of its own to this database. */
  connect(): AgentCredentialStore;
  /** Closes every connection and removes the database. */
  close(): void;
}

export function agentCredentialStoreSuite(name: string, create: () => CredentialDatabase): void {
  describe(`${name} as an AgentCredentialStore`, () => {
    let database: CredentialDatabase;
    const open = () => database.connect();
    beforeEach(() => {
      database = create();
    });
    afterEach(() => database.close());

    it('adds a credential once, rotates it only when asked, and adds again after revocation', async () => {
      const store = open();
      const first = await issueAgentCredential('rig-1', 1000);
      const second = await issueAgentCredential('rig-1', 2000);
      expect(store.add(first.credential)).toBe('added');
      expect(store.add(second.credential)).toBe('exists');
      expect(store.get('rig-1')?.createdAtMs).toBe(1000);
      expect(store.add(second.credential, { rotate: true })).toBe('rotated');
      expect(store.get('rig-1')?.secretHash).toBe(second.credential.secretHash);
      expect(store.revoke('rig-1', 3000)).toBe(true);
      expect(store.revoke('rig-1', 4000)).toBe(false);
      expect(store.get('rig-1')?.revokedAtMs).toBe(3000);
      expect(store.add(first.credential)).toBe('added');
      expect(store.get('rig-1')?.revokedAtMs).toBeUndefined();
    });

    it('keeps the ack key derived from the secret and never the secret', async () => {
      const store = open();
      const { secret, credential } = await issueAgentCredential('rig-1', 1000);
      store.add(credential);
      const stored = store.get('rig-1')!;
      expect(Buffer.from(stored.ackKey)).toEqual(deriveAckKey(secret));
      expect(JSON.stringify(store.list())).not.toContain(secret);
    });

    it('lists every credential, revoked ones included, by agent id', async () => {
      const store = open();
      for (const id of ['b', 'a', 'c']) store.add((await issueAgentCredential(id, 1)).credential);
      store.revoke('b', 2);
      expect(store.list().map((c) => [c.agentId, c.revokedAtMs])).toEqual([['a', undefined], ['b', 2], ['c', undefined]]);
    });

    it('bumps the change counter on every change, whichever connection made it', async () => {
      const store = open();
      const other = open();
      const start = store.changeCounter();
      other.add((await issueAgentCredential('rig-1', 1)).credential);
      expect(store.changeCounter()).toBe(start + 1);
      other.revoke('rig-1', 2);
      expect(store.changeCounter()).toBe(start + 2);
      expect(other.revoke('rig-1', 3)).toBe(false);
      expect(store.changeCounter()).toBe(start + 2);
    });
  });
}
