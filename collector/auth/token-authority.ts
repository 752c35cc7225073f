// TokenAuthority over the token store: active tokens are held in memory by hash, and the
// store's change counter is polled so that tokens created or revoked by `hopwatch tokens`
// in another process take effect within about a poll interval. Tokens are required from the
// first one created on, for good: revoking them all refuses every request.
import type { Logger } from '../../common/logger.js';
import type { ActiveApiToken, ApiTokenStore } from '../store/ports/api-tokens.js';
import { TOKEN_SCOPES, type Principal, type TokenAuthority, type TokenScope } from './principal.js';
import { isTokenShaped, tokenHash } from './token-secret.js';

export interface TokenAuthorityOptions {
  readonly store: ApiTokenStore;
  readonly pollIntervalMs: number;
  readonly logger: Logger;
}

export interface ClosableTokenAuthority extends TokenAuthority {
  /** Reads the store now if its change counter moved (the poll does this on its own). */
  refresh(): void;
  close(): void;
}

/** The principal of a stored token; undefined for a scope this version does not know (such a token opens nothing). */
function principalOf(t: ActiveApiToken): Principal | undefined {
  const r = t.record;
  if (!TOKEN_SCOPES.includes(r.scope as TokenScope)) return undefined;
  if (r.scope !== 'party') return { scope: r.scope as Exclude<TokenScope, 'party'>, tokenId: r.id };
  return r.party === null ? undefined : { scope: 'party', tokenId: r.id, party: r.party, roles: r.roles };
}

export function createTokenAuthority(options: TokenAuthorityOptions): ClosableTokenAuthority {
  const log = options.logger.child({ component: 'api-tokens' });
  let byHash = new Map<string, Principal>();
  let issued = false;
  let seen: number | undefined;

  const refresh = () => {
    const counter = options.store.changeCounter();
    if (counter === seen) return;
    byHash = new Map(options.store.active().flatMap((t) => {
      const p = principalOf(t);
      return p ? [[Buffer.from(t.hash).toString('hex'), p] as const] : [];
    }));
    // Revoked tokens count: revoking the last token must lock the API, not open it to anyone.
    issued = options.store.list().length > 0;
    if (seen !== undefined) log.info({ activeTokens: byHash.size }, 'API tokens changed');
    seen = counter;
  };
  refresh();
  const timer = setInterval(() => {
    try {
      refresh();
    } catch (err) {
      // A busy or locked database: keep the tokens known so far and try at the next poll.
      log.warn({ err: (err as Error).message }, 'reading API tokens failed');
    }
  }, options.pollIntervalMs);
  timer.unref();

  return {
    enabled: () => issued,
    // Looked up by hash: the map's timing can reveal nothing about the token itself.
    principal: (token) => (isTokenShaped(token) ? byHash.get(tokenHash(token).toString('hex')) : undefined),
    refresh,
    close: () => clearInterval(timer),
  };
}
