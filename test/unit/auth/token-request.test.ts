// What a token may be for, checked before it is issued, and the shape of token text.
import { describe, expect, it } from 'vitest';
import { checkTokenRequest } from '../../../collector/auth/token-issuer.js';
import { isTokenShaped, newTokenSecret, tokenHash } from '../../../collector/auth/token-secret.js';

const ROLES = ['IS', 'ES', 'GS', 'ED'];
const party = (over: object) => checkTokenRequest({ scope: 'party', party: '90-B3-D5-1F-30-01-00-00', roles: ['IS'], label: '', ...over }, ROLES);

describe('token requests', () => {
  it('normalises a party EUI-64 written without dashes or in lower case, and drops repeated roles', () => {
    expect(party({ party: '90b3d51f30010000', roles: ['IS', 'GS', 'IS'] })).toEqual({ scope: 'party', party: '90-B3-D5-1F-30-01-00-00', roles: ['IS', 'GS'], label: '' });
  });

  it('refuses a party token without a valid EUI-64', () => {
    expect(() => party({ party: undefined })).toThrow(/a party token needs --party <EUI-64>/);
    expect(() => party({ party: '90-B3-D5-1F-30-01-00' })).toThrow(/got "90-B3-D5-1F-30-01-00"/);
  });

  it('refuses a party token without a User Role of the catalogue', () => {
    expect(() => party({ roles: [] })).toThrow(/needs --role, one or more of IS, ES, GS, ED/);
    expect(() => party({ roles: ['IS', 'XX'] })).toThrow(/--role "XX" is not a User Role of the catalogue/);
  });

  it('refuses --party and --role on the other scopes, and unknown scopes', () => {
    expect(() => checkTokenRequest({ scope: 'viewer', party: '90-B3-D5-1F-30-01-00-00', roles: [], label: '' }, ROLES)).toThrow(/--party and --role are for party tokens, not viewer/);
    expect(() => checkTokenRequest({ scope: 'metrics', roles: ['IS'], label: '' }, ROLES)).toThrow(/not metrics/);
    expect(() => checkTokenRequest({ scope: 'root', roles: [], label: '' }, ROLES)).toThrow(/--scope "root" is not one of admin, viewer, party, metrics/);
    expect(checkTokenRequest({ scope: 'metrics', roles: [], label: 'prometheus' }, ROLES)).toEqual({ scope: 'metrics', party: null, roles: [], label: 'prometheus' });
  });

  it('makes tokens of a recognisable prefix and 32 random bytes, and knows them by shape', () => {
    const a = newTokenSecret();
    expect(a).toMatch(/^hwt_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(4), 'base64url')).toHaveLength(32);
    expect(newTokenSecret()).not.toBe(a);
    expect(isTokenShaped(a)).toBe(true);
    expect(isTokenShaped(`${a}x`)).toBe(false);
    expect(isTokenShaped('Bearer')).toBe(false);
    expect(tokenHash(a)).toHaveLength(32);
  });
});
