// The agents allowed on the embedded broker: one credential per agent id. The secret itself
// is never stored: only a slow hash to check it and the ack key derived from it
// (common/ack-signature.ts), so a copy of the database cannot log in as an agent.

export interface AgentCredential {
  readonly agentId: string;
  /** `scrypt$N=..,r=..,p=..$<salt>$<hash>` (collector/auth/secret-hash.ts). */
  readonly secretHash: string;
  /** deriveAckKey(secret): acks and time answers to this agent are signed with it. */
  readonly ackKey: Uint8Array;
  readonly createdAtMs: number;
  /** Set once revoked; a revoked agent cannot connect. */
  readonly revokedAtMs?: number;
}

/** added: a new credential; rotated: it replaced the agent's active one; exists: the agent already has one (not rotated). */
export type AddCredentialResult = 'added' | 'rotated' | 'exists';

export interface AgentCredentialStore {
  /** Stores a credential. A revoked one for the same agent is replaced; an active one only with `rotate`. */
  add(credential: AgentCredential, options?: { readonly rotate?: boolean }): AddCredentialResult;
  /** Every credential, revoked ones included, by agent id. */
  list(): AgentCredential[];
  get(agentId: string): AgentCredential | undefined;
  /** false when the agent has no active credential. */
  revoke(agentId: string, nowMs: number): boolean;
  /** Increases with every change, whichever process made it: poll it to notice `hopwatch agents` runs. */
  changeCounter(): number;
}
