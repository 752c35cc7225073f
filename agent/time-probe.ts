// Four-timestamp time probes with the collector (RFC 5905 style): the agent sends t1 on
// its own timeline, the collector answers with t2 and t3 on its clock, the agent notes t4
// and reports the four to the collector, which fits this agent's offset and drift.
// Probes go out every intervalMs, faster for the first few so that a new agent's figures
// are mapped onto the collector's clock within seconds.
import { topics } from '../proto/topics.js';
import { WireTimeRequest, WireTimeResponse, WireTimeSample } from '../proto/wire.js';
import type { Clock } from '../common/clock.js';

export interface TimeProbeOptions {
  readonly agentId: string;
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly publish: (topic: string, payload: Uint8Array, qos: 0 | 1) => boolean;
}

export interface TimeProbe {
  /** Handles a message on hopwatch/v1/<agentId>/time/resp. */
  onResponse(payload: Buffer): void;
  readonly sent: number;
  readonly completed: number;
  stop(): void;
}

const FAST_PROBES = 8;
const FAST_INTERVAL_MS = 500;

export function createTimeProbe(options: TimeProbeOptions): TimeProbe {
  const { agentId, clock } = options;
  let seq = 0;
  let sent = 0;
  let completed = 0;
  let timer: NodeJS.Timeout | undefined;

  const probe = () => {
    seq = (seq + 1) >>> 0;
    if (options.publish(topics.timeRequest(agentId), WireTimeRequest.encode({ seq, t1Us: clock.nowUs() }).finish(), 0)) sent++;
    timer = setTimeout(probe, sent < FAST_PROBES ? FAST_INTERVAL_MS : options.intervalMs);
    timer.unref();
  };
  timer = setTimeout(probe, FAST_INTERVAL_MS);
  timer.unref();

  return {
    onResponse(payload) {
      const t4Us = clock.nowUs();
      let resp: ReturnType<typeof WireTimeResponse.decode>;
      try {
        resp = WireTimeResponse.decode(payload);
      } catch {
        return;
      }
      // Only the latest probe: a late answer to an older one would report an inflated delay.
      if (resp.seq !== seq) return;
      completed++;
      options.publish(topics.timeSample(agentId), WireTimeSample.encode({ t1Us: resp.t1Us, t2Us: resp.t2Us, t3Us: resp.t3Us, t4Us }).finish(), 1);
    },
    get sent() {
      return sent;
    },
    get completed() {
      return completed;
    },
    stop: () => clearTimeout(timer),
  };
}
