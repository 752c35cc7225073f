// The agent credential store on a real SQLite file (the shared suite), and the authority the broker asks.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentAuthority, VerificationBusyError, type RunningAgentAuthority } from '../../collector/auth/agent-authority.js';
import { issueAgentCredential } from '../../collector/auth/issue-credential.js';
import { deriveAckKey } from '../../common/ack-signature.js';
import { silentLogger } from '../../common/logger.js';
import { waitFor } from '../../common/wait-for.js';
import { openSqliteStore, type SqliteStore } from '../../collector/store/sqlite-store.js';
import { createSqliteAgentCredentials } from '../../collector/store/sqlite/agent-credentials.js';
import type { AgentCredentialStore } from '../../collector/store/ports/agent-credentials.js';
import { tempDir } from '../helpers/temp-dir.js';
import { agentCredentialStoreSuite } from './store/agent-credential-store-suite.js';

agentCredentialStoreSuite('SQLite', () => {
  const dir = tempDir();
  const opened: SqliteStore[] = [];
  return {
    connect() {
      const db = openSqliteStore({ file: join(dir.path, 'collector.db'), synchronous: 'normal' });
      opened.push(db);
      return createSqliteAgentCredentials(db.db);
    },
    close() {
      for (const db of opened.splice(0)) db.close();
      dir.cleanup();
    },
  };
});

describe('agent authority', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: SqliteStore;
  let other: SqliteStore;
  let store: AgentCredentialStore;
  let authority: RunningAgentAuthority;

  beforeEach(() => {
    dir = tempDir();
    db = openSqliteStore({ file: join(dir.path, 'collector.db'), synchronous: 'normal' });
    other = openSqliteStore({ file: join(dir.path, 'collector.db'), synchronous: 'normal' });
    store = createSqliteAgentCredentials(other.db);
  });
  afterEach(() => {
    authority.close();
    db.close();
    other.close();
    dir.cleanup();
  });

  const start = () => (authority = createAgentAuthority({ store: createSqliteAgentCredentials(db.db), logger: silentLogger, pollIntervalMs: 50 }));

  it('is off with no credentials, and stays on after the last one is revoked', async () => {
    start();
    expect(authority.enabled()).toBe(false);
    store.add((await issueAgentCredential('rig-1', 1)).credential);
    await waitFor(() => authority.enabled(), 2000, 'credentials read');
    store.revoke('rig-1', 2);
    await waitFor(() => !authority.isActive('rig-1'), 2000, 'revocation read');
    expect(authority.enabled()).toBe(true);
  });

  it('verifies an agent\'s secret and refuses a wrong one or an unknown agent', async () => {
    const { secret, credential } = await issueAgentCredential('rig-1', 1);
    store.add(credential);
    start();
    expect(await authority.verify('rig-1', secret)).toBe(true);
    expect(await authority.verify('rig-1', 'wrong')).toBe(false);
    expect(await authority.verify('rig-2', secret)).toBe(false);
    expect(Buffer.from(authority.ackKey('rig-1')!)).toEqual(deriveAckKey(secret));
    expect(authority.ackKey('rig-2')).toBeUndefined();
  });

  it('answers a repeated successful check from its cache, and forgets it when the secret is rotated', async () => {
    const first = await issueAgentCredential('rig-1', 1);
    store.add(first.credential);
    start();
    expect(await authority.verify('rig-1', first.secret)).toBe(true);
    expect(await authority.verify('rig-1', first.secret)).toBe(true);
    expect(authority.counters).toMatchObject({ slowVerifications: 1, cachedVerifications: 1, cachedEntries: 1 });

    const second = await issueAgentCredential('rig-1', 2);
    store.add(second.credential, { rotate: true });
    await waitFor(() => authority.counters.cachedEntries === 0, 2000, 'rotation read');
    expect(await authority.verify('rig-1', first.secret)).toBe(false);
    expect(await authority.verify('rig-1', second.secret)).toBe(true);
  });

  it('tells a revoked agent from one it never knew', async () => {
    store.add((await issueAgentCredential('rig-1', 1)).credential);
    start();
    expect([authority.isRevoked('rig-1'), authority.isRevoked('rig-2')]).toEqual([false, false]);
    store.revoke('rig-1', 2);
    await waitFor(() => authority.isRevoked('rig-1'), 2000, 'revocation read');
    expect(authority.isRevoked('rig-2')).toBe(false);
    store.add((await issueAgentCredential('rig-1', 3)).credential);
    await waitFor(() => authority.isActive('rig-1'), 2000, 'the new credential read');
    expect(authority.isRevoked('rig-1')).toBe(false);
  });

  it('runs a bounded number of secret checks and refuses more at once, however many wrong secrets arrive', async () => {
    const { secret, credential } = await issueAgentCredential('rig-1', 1);
    store.add(credential);
    authority = createAgentAuthority({ store: createSqliteAgentCredentials(db.db), logger: silentLogger, maxRunningVerifications: 1, maxWaitingVerifications: 2 });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => authority.verify('rig-1', 'wrong secret')));
    const busy = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof VerificationBusyError).length;
    expect(busy).toBe(7);
    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value === false)).toHaveLength(3);
    expect(authority.counters).toMatchObject({ slowVerifications: 3, busyVerifications: 7 });
    expect(await authority.verify('rig-1', secret)).toBe(true);
  });

  it('keeps at most the configured number of cached checks', async () => {
    const issued = await Promise.all(['a', 'b', 'c'].map((id) => issueAgentCredential(id, 1)));
    for (const i of issued) store.add(i.credential);
    authority = createAgentAuthority({ store: createSqliteAgentCredentials(db.db), logger: silentLogger, maxCachedVerifications: 2 });
    for (const i of issued) expect(await authority.verify(i.credential.agentId, i.secret)).toBe(true);
    expect(authority.counters.cachedEntries).toBe(2);
  });

  it('tells listeners which agents were revoked or rotated by another process', async () => {
    const issued = await Promise.all(['a', 'b', 'c'].map((id) => issueAgentCredential(id, 1)));
    for (const i of issued) store.add(i.credential);
    start();
    const seen: string[][] = [];
    authority.onChange((ids) => seen.push([...ids].sort()));
    store.revoke('a', 2);
    store.add((await issueAgentCredential('b', 3)).credential, { rotate: true });
    store.add((await issueAgentCredential('d', 3)).credential);
    await waitFor(() => authority.isActive('d'), 2000, 'changes read');
    expect(seen.flat().sort()).toEqual(['a', 'b']);
    expect(authority.isActive('a')).toBe(false);
    expect(authority.isActive('c')).toBe(true);
  });
});
