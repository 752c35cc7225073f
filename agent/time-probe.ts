// Four-timestamp time probes with the collector (RFC 5905 style): the agent sends t1 on
// its own timeline, the collector answers with t2 and t3 on its clock, the agent notes t4
// and reports the four to the collector, which fits this agent's offset and drift.
// Probes go out every intervalMs, faster for the first few so that a new agent's figures
// are mapped onto the collector's clock within seconds.
// Anybody who can publish on the agent's time/resp topic could answer a probe with chosen
// times and skew every figure of this agent, so an answer counts only for the probe in
// flight (its seq and t1), once, and, when the agent has a secret, with a MAC that verifies.
import type { Logger } from 'pino';
import { macMatches, timeResponseMac, timeSampleMac } from '../common/ack-signature.js';
import { topics } from '../proto/topics.js';
import { WireTimeRequest, WireTimeResponse, WireTimeSample } from '../proto/wire.js';
import type { Clock } from '../common/clock.js';
import { AgentError } from './errors.js';
import { createLogThrottle } from '../common/log-throttle.js';

export interface TimeProbeOptions {
  readonly agentId: string;
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly publish: (topic: string, payload: Uint8Array, qos: 0 | 1) => boolean;
  /** The agent's ack key: answers must carry a MAC under it. undefined: not checked. */
  readonly ackKey?: Uint8Array;
  readonly logger: Logger;
}

export interface TimeProbe {
  /** Handles a message on hopwatch/v2/<agentId>/time/resp. */
  onResponse(payload: Buffer): void;
  readonly sent: number;
  readonly completed: number;
  /** Answers to the probe in flight whose MAC was missing or wrong: not used. */
  readonly badAnswers: number;
  stop(): void;
}

const FAST_PROBES = 8;
const FAST_INTERVAL_MS = 500;
const BAD_ANSWER_LOG_INTERVAL_MS = 60_000;

export function createTimeProbe(options: TimeProbeOptions): TimeProbe {
  const { agentId, clock, ackKey } = options;
  const log = options.logger.child({ component: 'time-probe' });
  const throttle = createLogThrottle(BAD_ANSWER_LOG_INTERVAL_MS);
  let seq = 0;
  /** t1 of the probe in flight; undefined once it is answered. */
  let pendingT1Us: number | undefined;
  let sent = 0;
  let completed = 0;
  let badAnswers = 0;
  let timer: NodeJS.Timeout | undefined;

  const probe = () => {
    seq = (seq + 1) >>> 0;
    pendingT1Us = clock.nowUs();
    if (options.publish(topics.timeRequest(agentId), WireTimeRequest.encode({ seq, t1Us: pendingT1Us }).finish(), 0)) sent++;
    timer = setTimeout(probe, sent < FAST_PROBES ? FAST_INTERVAL_MS : options.intervalMs);
    timer.unref();
  };
  timer = setTimeout(probe, FAST_INTERVAL_MS);
  timer.unref();

  const rejectAnswer = (unsigned: boolean) => {
    badAnswers++;
    const count = throttle.due(unsigned ? 'unsigned' : 'badMac');
    if (count === undefined) return;
    if (unsigned) {
      log.warn({ code: AgentError.HW_AGENT_ACK_UNSIGNED.code, count }, 'time answers arrive unsigned: the collector has no credential for this agent (or someone else answers its probes); they are not used');
    } else {
      log.warn({ code: AgentError.HW_AGENT_ACK_IGNORED.code, reason: 'badMac', count }, 'time answer with a wrong MAC ignored');
    }
  };

  return {
    onResponse(payload) {
      const t4Us = clock.nowUs();
      let resp: ReturnType<typeof WireTimeResponse.decode>;
      try {
        resp = WireTimeResponse.decode(payload);
      } catch {
        return;
      }
      // Only the latest probe, once: a late answer to an older one would report an inflated delay.
      if (resp.seq !== seq || resp.t1Us !== pendingT1Us) return;
      if (ackKey !== undefined && !macMatches(timeResponseMac(ackKey, agentId, resp.seq, resp.t1Us, resp.t2Us, resp.t3Us), resp.mac)) {
        return rejectAnswer(resp.mac.length === 0);
      }
      pendingT1Us = undefined;
      completed++;
      const mac = ackKey ? timeSampleMac(ackKey, agentId, resp.t1Us, resp.t2Us, resp.t3Us, t4Us) : undefined;
      options.publish(topics.timeSample(agentId), WireTimeSample.encode({ t1Us: resp.t1Us, t2Us: resp.t2Us, t3Us: resp.t3Us, t4Us, mac }).finish(), 1);
    },
    get sent() {
      return sent;
    },
    get completed() {
      return completed;
    },
    get badAnswers() {
      return badAnswers;
    },
    stop: () => clearTimeout(timer),
  };
}
