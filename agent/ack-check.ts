// Which acks the forwarder may act on. An ack deletes (or, when REJECTED, drops) a buffered
// batch, and anybody who can publish on the agent's ack topic can send one, so an ack counts
// only when all of these hold:
// - it names this buffer's stream (an ack for a previous buffer file is stale);
// - its seq is a batch in flight on the current connection (the collector answers only what
//   it was sent; this alone stops an ack sprayed blindly over the backlog);
// - when the agent has a secret, its MAC verifies under the agent's ack key: then nobody
//   without the key can make the agent delete anything, whatever the broker lets through.
// Anything else is ignored, counted by reason and logged at most once per interval.
import type { Logger } from 'pino';
import { batchAckMac, macMatches } from '../common/ack-signature.js';
import { AckStatus, WireBatchAck } from '../proto/wire.js';
import { AgentError } from './errors.js';
import { createLogThrottle } from '../common/log-throttle.js';

export const IGNORED_ACK_REASONS = ['undecodable', 'unknownStream', 'notInFlight', 'unsigned', 'badMac'] as const;
export type IgnoredAckReason = (typeof IGNORED_ACK_REASONS)[number];

export interface VerifiedAck {
  readonly seq: number;
  readonly status: number;
  readonly reason: string;
  readonly detail: string;
}

export interface AckCheckOptions {
  readonly agentId: string;
  readonly streamId: number;
  /** The agent's ack key; undefined when it has no secret (then MACs are not checked). */
  readonly ackKey: Uint8Array | undefined;
  readonly logger: Logger;
  readonly logIntervalMs: number;
}

export interface AckCheck {
  /** The ack when the forwarder may act on it, else undefined (and counted). */
  check(payload: Buffer, inFlight: (seq: number) => boolean): VerifiedAck | undefined;
  counters(): Readonly<Record<IgnoredAckReason, number>>;
}

const KNOWN_STATUSES: ReadonlySet<number> = new Set([AckStatus.STORED, AckStatus.DUPLICATE, AckStatus.REJECTED]);

export function createAckCheck(options: AckCheckOptions): AckCheck {
  const { agentId, streamId, ackKey } = options;
  const log = options.logger.child({ component: 'ack-check' });
  const ignored = Object.fromEntries(IGNORED_ACK_REASONS.map((r) => [r, 0])) as Record<IgnoredAckReason, number>;
  const throttle = createLogThrottle(options.logIntervalMs);

  const ignore = (reason: IgnoredAckReason, seq: number): undefined => {
    ignored[reason]++;
    const count = throttle.due(reason);
    if (count === undefined) return;
    if (reason === 'unsigned') {
      // Most likely the collector's own acks: it holds no credential for this agent.
      log.warn({ code: AgentError.HW_AGENT_ACK_UNSIGNED.code, seq, count },
        'acks for batches in flight arrive unsigned: the collector has no credential for this agent (or someone else publishes on its ack topic); nothing is deleted until acks are signed');
    } else {
      log.warn({ code: AgentError.HW_AGENT_ACK_IGNORED.code, reason, seq, count }, 'ack ignored');
    }
  };

  const decode = (payload: Buffer) => {
    try {
      return WireBatchAck.decode(payload);
    } catch {
      return undefined;
    }
  };

  return {
    check(payload, inFlight) {
      const ack = decode(payload);
      if (ack === undefined || !KNOWN_STATUSES.has(ack.status)) return ignore('undecodable', 0);
      const seq = Number(ack.seq);
      if (ack.streamId !== streamId) return ignore('unknownStream', seq);
      if (!inFlight(seq)) return ignore('notInFlight', seq);
      if (ackKey !== undefined) {
        if (ack.mac.length === 0) return ignore('unsigned', seq);
        if (!macMatches(batchAckMac(ackKey, agentId, streamId, seq, ack.status, ack.reason), ack.mac)) return ignore('badMac', seq);
      }
      return { seq, status: ack.status, reason: ack.reason, detail: ack.detail };
    },
    counters: () => ({ ...ignored }),
  };
}
