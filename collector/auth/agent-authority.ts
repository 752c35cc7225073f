// AgentAuthority over the credential store. Credentials are held in memory (the broker asks
// on every CONNECT and ingest on every ack); the store's change counter is polled about once
// a second so `hopwatch agents add/revoke`, run against the same database by another process,
// take effect in a running collector without a restart. Sessions of revoked or rotated agents
// are reported to listeners (the broker cuts them off).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../common/logger.js';
import type { AgentCredential, AgentCredentialStore } from '../store/ports/agent-credentials.js';
import type { AgentAuthority } from './principal.js';
import { secretMatches } from './secret-hash.js';

export interface AgentAuthorityOptions {
  readonly store: AgentCredentialStore;
  readonly logger: Logger;
  /** How often the store's change counter is read (default 1000 ms). */
  readonly pollIntervalMs?: number;
  /** Recent successful verifications kept (default 4096); the oldest goes first. */
  readonly maxCachedVerifications?: number;
  /** scrypt checks running at once (default 2) and waiting (default 32); beyond, verify() refuses at once. */
  readonly maxRunningVerifications?: number;
  readonly maxWaitingVerifications?: number;
}

/** verify() refused to queue another scrypt check: too many are running and waiting. */
export class VerificationBusyError extends Error {
  constructor() {
    super('too many secret checks under way');
  }
}

export interface AgentAuthorityCounters {
  /** Secrets checked with scrypt. */
  readonly slowVerifications: number;
  /** Checks refused because too many were running and waiting (a flood of CONNECTs). */
  readonly busyVerifications: number;
  /** Secrets accepted from the cache of recent successes. */
  readonly cachedVerifications: number;
  readonly failedVerifications: number;
  readonly cachedEntries: number;
}

export interface RunningAgentAuthority extends AgentAuthority {
  /** Whether the agent has an unrevoked credential now. */
  isActive(agentId: string): boolean;
  /** Whether the agent had a credential and it was revoked (and not added again). */
  isRevoked(agentId: string): boolean;
  /** `listener` runs after each change read from the store, with the agents whose credential was
   *  revoked or rotated by it (empty when agents were only added). */
  onChange(listener: (invalidated: readonly string[]) => void): void;
  /** Reads the store now if it changed (the poll does this every interval). */
  refresh(): void;
  readonly counters: AgentAuthorityCounters;
  close(): void;
}

export function createAgentAuthority(options: AgentAuthorityOptions): RunningAgentAuthority {
  const log = options.logger.child({ component: 'agent-authority' });
  const maxCached = options.maxCachedVerifications ?? 4096;
  const listeners: ((agentIds: readonly string[]) => void)[] = [];
  let active = new Map<string, AgentCredential>();
  let revoked = new Set<string>();
  let anyCredential = false;
  let seenCounter = -1;
  // Recent successes, by agent: a digest of the secret and which credential it matched. A
  // restarted collector or a network blip brings every agent back at once; scrypt for each
  // (tens of ms and 16 MB apiece, on libuv's four threads) would hold reconnects for minutes.
  const verified = new Map<string, { digest: Buffer; secretHash: string }>();
  const counters = { slowVerifications: 0, busyVerifications: 0, cachedVerifications: 0, failedVerifications: 0, get cachedEntries() { return verified.size; } };
  // scrypt runs on libuv's four threads: unbounded, a flood of CONNECTs with wrong secrets (48
  // bytes each) would queue checks without end and hold every real agent's login behind them.
  const maxRunning = options.maxRunningVerifications ?? 2;
  const maxWaiting = options.maxWaitingVerifications ?? 32;
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    if (running >= maxRunning) {
      if (waiting.length >= maxWaiting) throw new VerificationBusyError();
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
  };
  const release = () => {
    running--;
    waiting.shift()?.();
  };

  const load = () => {
    const all = options.store.list();
    const next = new Map(all.filter((c) => c.revokedAtMs === undefined).map((c) => [c.agentId, c]));
    const invalidated = [...active.values()].filter((c) => next.get(c.agentId)?.secretHash !== c.secretHash).map((c) => c.agentId);
    active = next;
    revoked = new Set(all.filter((c) => c.revokedAtMs !== undefined && !next.has(c.agentId)).map((c) => c.agentId));
    anyCredential = all.length > 0;
    for (const id of invalidated) verified.delete(id);
    if (invalidated.length > 0) log.info({ agents: invalidated }, 'agent credentials revoked or rotated');
    for (const listener of listeners) listener(invalidated);
  };

  const refresh = () => {
    const counter = options.store.changeCounter();
    if (counter === seenCounter) return;
    seenCounter = counter;
    load();
  };
  refresh();

  const timer = setInterval(() => {
    try {
      refresh();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'reading agent credentials failed; keeping the last ones read');
    }
  }, options.pollIntervalMs ?? 1000);
  timer.unref();

  const digestOf = (secret: string) => createHash('sha256').update(secret).digest();
  const remember = (agentId: string, digest: Buffer, secretHash: string) => {
    verified.delete(agentId);
    verified.set(agentId, { digest, secretHash });
    if (verified.size > maxCached) verified.delete(verified.keys().next().value!);
  };

  return {
    // Revoked credentials count too: revoking the last agent must not reopen the broker to anonymous clients.
    enabled: () => anyCredential,
    isActive: (agentId) => active.has(agentId),
    isRevoked: (agentId) => revoked.has(agentId),
    ackKey: (agentId) => active.get(agentId)?.ackKey,
    async verify(agentId, secret) {
      const credential = active.get(agentId);
      if (!credential) {
        counters.failedVerifications++;
        return false;
      }
      const digest = digestOf(secret);
      const cached = verified.get(agentId);
      if (cached && cached.secretHash === credential.secretHash && timingSafeEqual(cached.digest, digest)) {
        counters.cachedVerifications++;
        return true;
      }
      try {
        await slot();
      } catch (err) {
        counters.busyVerifications++;
        throw err;
      }
      let ok: boolean;
      try {
        counters.slowVerifications++;
        ok = await secretMatches(secret, credential.secretHash);
      } finally {
        release();
      }
      // The credential may have been revoked or rotated while scrypt ran.
      const stillValid = ok && active.get(agentId)?.secretHash === credential.secretHash;
      if (stillValid) remember(agentId, digest, credential.secretHash);
      else counters.failedVerifications++;
      return stillValid;
    },
    onChange: (listener) => void listeners.push(listener),
    refresh,
    counters,
    close: () => clearInterval(timer),
  };
}
