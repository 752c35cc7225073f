// API tokens as stored: never the token itself, only its SHA-256 (collector/auth/token-secret.ts).
// A change counter lets a running collector see tokens created or revoked by `hopwatch tokens`
// in another process without reading the whole table every time.
export interface ApiTokenRecord {
  readonly id: string;
  /** admin, viewer, party or metrics (collector/auth/principal.ts), checked when the token is issued. */
  readonly scope: string;
  /** The DCC User (EUI-64) of a party token; null for the other scopes. */
  readonly party: string | null;
  /** User Role ids of a party token (e.g. IS, GS); empty for the other scopes. */
  readonly roles: readonly string[];
  readonly label: string;
  readonly createdAtMs: number;
  readonly revokedAtMs: number | null;
}

export interface NewApiToken extends Omit<ApiTokenRecord, 'revokedAtMs'> {
  /** SHA-256 of the token. */
  readonly hash: Uint8Array;
}

export interface ActiveApiToken {
  readonly hash: Uint8Array;
  readonly record: ApiTokenRecord;
}

export interface ApiTokenStore {
  /** Adds a token and bumps the change counter. */
  insert(token: NewApiToken): void;
  /** Every token, revoked ones included, oldest first. */
  list(): ApiTokenRecord[];
  /** Marks a token revoked and bumps the change counter; false when the id is unknown or already revoked. */
  revoke(id: string, nowMs: number): boolean;
  /** Tokens not revoked, with their hashes. */
  active(): ActiveApiToken[];
  /** Changes with every insert and revoke, from any process sharing the database. */
  changeCounter(): number;
}
