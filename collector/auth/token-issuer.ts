// Creates API tokens: checks what a token may be for, then stores its hash. The token text
// is returned once and never again.
import { HopwatchError } from '../../common/error-codes.js';
import { formatEui64, parseEui64 } from '../../proto/correlation-key.js';
import type { ApiTokenRecord, ApiTokenStore } from '../store/ports/api-tokens.js';
import { TOKEN_SCOPES, type TokenScope } from './principal.js';
import { newTokenId, newTokenSecret, tokenHash } from './token-secret.js';

export interface TokenRequest {
  readonly scope: string;
  readonly party?: string;
  readonly roles: readonly string[];
  readonly label: string;
}

const refuse = (message: string) => new HopwatchError('HW_COLLECTOR_TOKENS', message);

/** The request made valid: a known scope; for party, a normalised EUI-64 and known User Roles; for the others, neither. */
export function checkTokenRequest(r: TokenRequest, knownRoles: readonly string[]): Pick<ApiTokenRecord, 'scope' | 'party' | 'roles' | 'label'> {
  if (!TOKEN_SCOPES.includes(r.scope as TokenScope)) throw refuse(`--scope ${JSON.stringify(r.scope)} is not one of ${TOKEN_SCOPES.join(', ')}`);
  const scope = r.scope as TokenScope;
  if (r.label.length > 200) throw refuse('--label is longer than 200 characters');
  if (scope !== 'party') {
    if (r.party !== undefined || r.roles.length > 0) throw refuse(`--party and --role are for party tokens, not ${scope}`);
    return { scope, party: null, roles: [], label: r.label };
  }
  const eui = r.party === undefined ? undefined : parseEui64(r.party);
  if (!eui) throw refuse(`a party token needs --party <EUI-64> (e.g. 90-B3-D5-1F-30-01-00-00); got ${JSON.stringify(r.party ?? '')}`);
  if (r.roles.length === 0) throw refuse(`a party token needs --role, one or more of ${knownRoles.join(', ')}`);
  for (const role of r.roles) if (!knownRoles.includes(role)) throw refuse(`--role ${JSON.stringify(role)} is not a User Role of the catalogue (${knownRoles.join(', ')})`);
  return { scope, party: formatEui64(eui.hi, eui.lo), roles: [...new Set(r.roles)], label: r.label };
}

export type CheckedTokenRequest = ReturnType<typeof checkTokenRequest>;

export function issueApiToken(store: ApiTokenStore, request: CheckedTokenRequest, nowMs: number): { record: ApiTokenRecord; token: string } {
  const token = newTokenSecret();
  const record: ApiTokenRecord = { id: newTokenId(), ...request, createdAtMs: nowMs, revokedAtMs: null };
  store.insert({ ...record, hash: tokenHash(token) });
  return { record, token };
}
