import { describe, expect, it } from 'vitest';
import { hashSecret, newAgentSecret, secretMatches } from '../../../collector/auth/secret-hash.js';

describe('agent secret hashing', () => {
  it('makes 32-byte base64url secrets, different each time', () => {
    const a = newAgentSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(newAgentSecret()).not.toBe(a);
  });

  it('keeps the scrypt parameters and a random salt in the stored string', async () => {
    const secret = newAgentSecret();
    const [h1, h2] = await Promise.all([hashSecret(secret), hashSecret(secret)]);
    expect(h1).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(h1).not.toBe(h2);
    expect(h1).not.toContain(secret);
  });

  it('accepts the secret and refuses any other', async () => {
    const secret = newAgentSecret();
    const stored = await hashSecret(secret);
    expect(await secretMatches(secret, stored)).toBe(true);
    expect(await secretMatches(newAgentSecret(), stored)).toBe(false);
    expect(await secretMatches(`${secret}x`, stored)).toBe(false);
  });

  it('checks a hash made with other parameters by the parameters it carries', async () => {
    const secret = 'abc';
    const stored = await hashSecret(secret);
    const weaker = stored.replace('N=16384', 'N=1024');
    expect(await secretMatches(secret, weaker)).toBe(false);
  });

  it('refuses stored strings it cannot read or whose cost is absurd, without trying them', async () => {
    for (const stored of ['', 'bcrypt$x', 'scrypt$N=3,r=8,p=1$AA$AA', 'scrypt$N=1073741824,r=8,p=1$AA$AA']) {
      expect(await secretMatches('abc', stored)).toBe(false);
    }
  });
});
