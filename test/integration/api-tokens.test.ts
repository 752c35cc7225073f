// Issuing tokens into a real SQLite file and the TokenAuthority over it: only hashes are
// stored; creation and revocation, from another connection too, are seen through the change
// counter. The store itself is held to test/integration/store/api-token-store-suite.ts.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenAuthority, type ClosableTokenAuthority } from '../../collector/auth/token-authority.js';
import { checkTokenRequest, issueApiToken, type TokenRequest } from '../../collector/auth/token-issuer.js';
import { tokenHash } from '../../collector/auth/token-secret.js';
import { createSqliteApiTokens } from '../../collector/store/sqlite/api-tokens.js';
import { openSqliteStore, type SqliteStore } from '../../collector/store/sqlite-store.js';
import { silentLogger } from '../../common/logger.js';
import { collectorDb } from '../helpers/api-tokens.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROLES = ['IS', 'GS', 'ED'];
const NOW = Date.parse('2026-11-28T12:00:00Z');

describe('API token store and authority', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteStore;
  let authority: ClosableTokenAuthority;
  const tokens = () => createSqliteApiTokens(store.db);
  const issue = (r: Partial<TokenRequest> & { scope: string }) => issueApiToken(tokens(), checkTokenRequest({ roles: [], label: '', ...r }, ROLES), NOW);

  beforeEach(() => {
    dir = tempDir();
    store = openSqliteStore({ file: collectorDb(dir.path), synchronous: 'normal' });
    authority = createTokenAuthority({ store: tokens(), pollIntervalMs: 50, logger: silentLogger });
  });
  afterEach(() => {
    authority.close();
    store.close();
    dir.cleanup();
  });

  it('stores a token\'s SHA-256 and never the token', () => {
    const { token, record } = issue({ scope: 'viewer', label: 'ops' });
    const row = store.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(record.id) as Record<string, unknown>;
    expect(Buffer.from(row.hash as Buffer).equals(tokenHash(token))).toBe(true);
    for (const value of Object.values(row)) expect(String(value)).not.toContain(token.slice(4));
    expect(tokens().list()).toEqual([{ id: record.id, scope: 'viewer', party: null, roles: [], label: 'ops', createdAtMs: NOW, revokedAtMs: null }]);
  });

  it('is disabled until a token exists, and resolves each token to its principal', () => {
    expect(authority.enabled()).toBe(false);
    const admin = issue({ scope: 'admin' });
    const party = issue({ scope: 'party', party: '90-b3-d5-1f-30-01-00-00', roles: ['IS', 'ED'] });
    authority.refresh();
    expect(authority.enabled()).toBe(true);
    expect(authority.principal(admin.token)).toEqual({ scope: 'admin', tokenId: admin.record.id });
    expect(authority.principal(party.token)).toEqual({ scope: 'party', tokenId: party.record.id, party: '90-B3-D5-1F-30-01-00-00', roles: ['IS', 'ED'] });
    expect(authority.principal(`hwt_${'C'.repeat(43)}`)).toBeUndefined();
    expect(authority.principal(admin.token.slice(0, -1))).toBeUndefined();
  });

  it('forgets a revoked token, and stays enabled when no token is left, refusing everyone', () => {
    const { token, record } = issue({ scope: 'metrics' });
    authority.refresh();
    expect(authority.principal(token)).toMatchObject({ scope: 'metrics' });
    tokens().revoke(record.id, NOW + 1000);
    authority.refresh();
    expect(authority.principal(token)).toBeUndefined();
    expect(authority.enabled()).toBe(true);
  });

  it('sees a token created through another connection at its next poll', async () => {
    const other = new Database(collectorDb(dir.path));
    const { token } = issueApiToken(createSqliteApiTokens(other), checkTokenRequest({ scope: 'viewer', roles: [], label: '' }, ROLES), NOW);
    other.close();
    const deadline = Date.now() + 2000;
    while (!authority.principal(token) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(authority.principal(token)).toMatchObject({ scope: 'viewer' });
  });
});
