// What every ApiTokenStore must do, whatever keeps it: run by each implementation's test
// with a factory for a fresh, empty store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiTokenStore, NewApiToken } from '../../../collector/store/ports/api-tokens.js';

export interface OpenedTokenStore {
  readonly tokens: ApiTokenStore;
  close(): void;
}

const token = (id: string, over: Partial<NewApiToken> = {}): NewApiToken => ({
  id, scope: 'viewer', party: null, roles: [], label: `token ${id}`, createdAtMs: 1_000, hash: new Uint8Array(32).fill(id.charCodeAt(0)), ...over,
});

export function apiTokenStoreSuite(name: string, open: () => OpenedTokenStore): void {
  describe(`${name} as an ApiTokenStore`, () => {
    let s: OpenedTokenStore;
    beforeEach(() => {
      s = open();
    });
    afterEach(() => s.close());

    it('lists what was inserted, oldest first, without the hash', () => {
      s.tokens.insert(token('b', { createdAtMs: 2_000 }));
      s.tokens.insert(token('a', { scope: 'party', party: '90-B3-D5-1F-30-01-00-00', roles: ['IS', 'GS'] }));
      expect(s.tokens.list()).toEqual([
        { id: 'a', scope: 'party', party: '90-B3-D5-1F-30-01-00-00', roles: ['IS', 'GS'], label: 'token a', createdAtMs: 1_000, revokedAtMs: null },
        { id: 'b', scope: 'viewer', party: null, roles: [], label: 'token b', createdAtMs: 2_000, revokedAtMs: null },
      ]);
    });

    it('gives the active tokens with their hashes, and leaves revoked ones out', () => {
      s.tokens.insert(token('a'));
      s.tokens.insert(token('b'));
      expect(s.tokens.revoke('a', 5_000)).toBe(true);
      expect(s.tokens.active().map((t) => [t.record.id, Buffer.from(t.hash).equals(Buffer.from(token('b').hash))])).toEqual([['b', true]]);
      expect(s.tokens.list().find((t) => t.id === 'a')?.revokedAtMs).toBe(5_000);
    });

    it('revokes only a known, unrevoked token', () => {
      s.tokens.insert(token('a'));
      expect(s.tokens.revoke('z', 5_000)).toBe(false);
      expect(s.tokens.revoke('a', 5_000)).toBe(true);
      expect(s.tokens.revoke('a', 6_000)).toBe(false);
    });

    it('moves the change counter on every insert and revocation, and only then', () => {
      const start = s.tokens.changeCounter();
      s.tokens.insert(token('a'));
      expect(s.tokens.changeCounter()).toBe(start + 1);
      s.tokens.revoke('a', 5_000);
      expect(s.tokens.changeCounter()).toBe(start + 2);
      s.tokens.revoke('a', 6_000);
      s.tokens.list();
      expect(s.tokens.changeCounter()).toBe(start + 2);
    });

    it('refuses a second token with the same id or hash', () => {
      s.tokens.insert(token('a'));
      expect(() => s.tokens.insert(token('a', { hash: new Uint8Array(32).fill(9) }))).toThrow();
      expect(() => s.tokens.insert(token('c', { hash: token('a').hash }))).toThrow();
      expect(s.tokens.list()).toHaveLength(1);
    });
  });
}
