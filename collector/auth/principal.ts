// Who an HTTP request acts for, once its bearer token is checked (collector/auth).
export const TOKEN_SCOPES = ['admin', 'viewer', 'party', 'metrics'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/**
 * admin: everything, writes and token management included; viewer: every read;
 * metrics: GET /metrics only (for Prometheus); party: one DCC User (EUI-64) in its User Role(s),
 * seeing only its own journeys and rows.
 */
export type Principal =
  | { readonly scope: 'admin' | 'viewer' | 'metrics'; readonly tokenId: string }
  | { readonly scope: 'party'; readonly tokenId: string; readonly party: string; readonly roles: readonly string[] };

/** What the HTTP layer asks of the token store. */
export interface TokenAuthority {
  /** True once any API token has been created (revoked ones too): from then on every route needs a valid one. */
  enabled(): boolean;
  /** The principal of a presented token, or undefined when it is unknown or revoked. */
  principal(token: string): Principal | undefined;
}

/** What the broker, ingest and the time server ask of the agent credential store. */
export interface AgentAuthority {
  /** True once any agent credential has been added, revoked ones included (revoking the last agent
   *  must not reopen the broker): from then on anonymous MQTT is refused. */
  enabled(): boolean;
  /** Checks an agent's secret against its slow hash. */
  verify(agentId: string, secret: string): Promise<boolean>;
  /** The key acks and time answers to this agent are signed with; undefined without a credential. */
  ackKey(agentId: string): Uint8Array | undefined;
  /** Whether the agent had a credential and it was revoked (and not added again): refused everywhere. */
  isRevoked(agentId: string): boolean;
}
