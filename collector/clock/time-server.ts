// The collector's side of time probes: answer each request at once with t2 (received)
// and t3 (sent) on the collector's clock, and feed each agent's reported exchange to the
// clock registry.
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { agentIdOf, topics } from '../../proto/topics.js';
import { WireTimeRequest, WireTimeResponse, WireTimeSample } from '../../proto/wire.js';
import { macMatches, timeResponseMac, timeSampleMac } from '../../common/ack-signature.js';
import type { ClockRegistry } from './clock-registry.js';

export interface TimeServer {
  onRequest(topic: string, payload: Buffer): void;
  onSample(topic: string, payload: Buffer): void;
  readonly answered: number;
  readonly malformed: number;
  /** Samples without a valid mac from an agent the collector holds a credential for: ignored. */
  readonly unsigned: number;
}

export interface TimeServerOptions {
  /** The key an agent's time answers are signed with; undefined (or no option): sent unsigned. */
  readonly ackKey?: (agentId: string) => Uint8Array | undefined;
}

export function createTimeServer(
  clock: Clock, registry: ClockRegistry, publish: (topic: string, payload: Uint8Array, qos: 0 | 1) => void, logger: Logger, options: TimeServerOptions = {},
): TimeServer {
  const log = logger.child({ component: 'time-server' });
  let answered = 0;
  let unsigned = 0;
  let malformed = 0;
  return {
    onRequest(topic, payload) {
      const t2Us = clock.nowUs();
      const agentId = agentIdOf(topic, 'time/req');
      if (agentId === undefined) return void malformed++;
      let req: ReturnType<typeof WireTimeRequest.decode>;
      try {
        req = WireTimeRequest.decode(payload);
      } catch {
        return void malformed++;
      }
      const key = options.ackKey?.(agentId);
      const t3Us = clock.nowUs();
      // Signed so that an agent can tell this answer from a forged one that would poison its clock model.
      const mac = key ? timeResponseMac(key, agentId, req.seq, req.t1Us, t2Us, t3Us) : undefined;
      publish(topics.timeResponse(agentId), WireTimeResponse.encode({ seq: req.seq, t1Us: req.t1Us, t2Us, t3Us, mac }).finish(), 0);
      answered++;
    },
    onSample(topic, payload) {
      const agentId = agentIdOf(topic, 'time/sample');
      if (agentId === undefined) return void malformed++;
      try {
        const s = WireTimeSample.decode(payload);
        // Under a credential only the agent's own samples count: anyone else's would skew its clock model.
        const key = options.ackKey?.(agentId);
        if (key && !macMatches(timeSampleMac(key, agentId, s.t1Us, s.t2Us, s.t3Us, s.t4Us), s.mac)) {
          unsigned++;
          return;
        }
        registry.addSample(agentId, { t1Us: s.t1Us, t2Us: s.t2Us, t3Us: s.t3Us, t4Us: s.t4Us }, clock.nowUs() / 1000);
      } catch (err) {
        malformed++;
        log.debug({ agentId, err: (err as Error).message }, 'time sample ignored');
      }
    },
    get answered() {
      return answered;
    },
    get unsigned() {
      return unsigned;
    },
    get malformed() {
      return malformed;
    },
  };
}
