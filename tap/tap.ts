// The DUIS tap: hopwatch in the path between a DCC User and the DCC User Interface. The DCC leg
// forwards Service Requests to the DCC and their synchronous answers back (UG_IN, then UG_ACK for
// the I99 acknowledgement, or UG_OUT for an answer that is final); the User leg forwards what the
// DCC delivers to the User's own endpoint (UG_OUT for a Service Response, ALERT_UG_OUT for an
// alert). Stamps go, fire and forget, to the tap's own agent, which runs in a worker thread
// (tap/tap-agent.ts) so that none of its work holds up an exchange.
import type { Clock } from '../common/clock.js';
import { createMonotonicClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { readServerTlsFiles, readTlsFiles, type TlsFileNames, type TlsMaterial } from '../common/tls-files.js';
import type { TapConfig, TapLeg } from './config.js';
import { HopPoint } from '../proto/hop-point.js';
import type { DuisHeader, HeaderScan } from './duis-header.js';
import { deliveryHop, serviceRequestHop, synchronousAnswerHop, type HopOrProblem, type UnstampedReason } from './duis-hops.js';
import { TapError } from './errors.js';
import { startPassThrough, type PassThrough, type PassThroughCounters } from './proxy.js';
import { startTapAgent, type TapAgent } from './tap-agent.js';

/**
 * Why a message passed without a stamp: besides what the message itself lacks, the agent's queue
 * was full (the agent is behind) or the agent has stopped.
 */
export type UnstampedCause = UnstampedReason | 'unreadable-header' | 'agent-behind' | 'agent-down';

export interface TapCounters {
  /** Messages stamped, by what they were. */
  readonly serviceRequests: number;
  readonly acknowledgements: number;
  readonly responses: number;
  readonly alerts: number;
  /** Messages forwarded but not stamped, by reason (HW_TAP_UNSTAMPED). */
  readonly unstamped: { readonly [R in UnstampedCause]: number };
  /** A SRV, alert or response code that does not match the wire's pattern, left out of a stamped hop's context. */
  readonly droppedFields: number;
  readonly lastProblem?: string;
  /** Hops handed to the agent and not yet taken by it, and the bound past which they are refused (agent-behind). */
  readonly agentQueue: { readonly queuedHops: number; readonly capacityHops: number };
  readonly dcc: PassThroughCounters;
  readonly user?: PassThroughCounters;
}

export interface Tap {
  /** The tap's agent, in its worker thread: its status, its intake's ports, and drained() for tests and shutdown. */
  readonly agent: Pick<TapAgent, 'status' | 'drained' | 'running' | 'httpPort' | 'udpPort'>;
  /** Where Users send Service Requests. */
  readonly dccUrl: string;
  /** Where the DCC delivers Service Responses and alerts; undefined when the User leg is off. */
  readonly userUrl?: string;
  counters(): TapCounters;
  close(): Promise<void>;
}

export interface TapDeps {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The agent worker's entry file (see TapAgentOptions.workerEntry). */
  readonly agentWorker?: string;
}

const legTls = (leg: TapLeg, flag: 'dcc' | 'user'): TlsMaterial => {
  const files: TlsFileNames = { caFile: leg.caFile, certFile: leg.certFile, keyFile: leg.keyFile };
  return readTlsFiles(files, {
    caFile: { option: `${flag}.caFile`, flag: `${flag}-ca` },
    certFile: { option: `${flag}.certFile`, flag: `${flag}-cert` },
    keyFile: { option: `${flag}.keyFile`, flag: `${flag}-key` },
  }, TapError.HW_TAP_CONFIG.code);
};

export async function startTap(config: TapConfig, deps: TapDeps = {}): Promise<Tap> {
  const clock = deps.clock ?? createMonotonicClock();
  const logger = deps.logger ?? silentLogger;
  const log = logger.child({ component: 'tap' });
  // Every TLS file is read before anything listens: a bad one is a configuration error, not a half-started tap.
  const serverTls = readServerTlsFiles({ ...config.tls, caFile: '' }, {
    certFile: { option: 'tls.certFile', flag: 'tls-cert' },
    keyFile: { option: 'tls.keyFile', flag: 'tls-key' },
    caFile: { option: 'tls.caFile', flag: 'tls-ca' },
  }, TapError.HW_TAP_CONFIG.code);
  const dccTls = legTls(config.dcc, 'dcc');
  const userTls = config.user.url ? legTls(config.user, 'user') : {};

  const stamped = { serviceRequests: 0, acknowledgements: 0, responses: 0, alerts: 0 };
  const unstamped: Record<UnstampedCause, number> = { 'bad-key': 0, 'unexpected-message': 0, 'unreadable-header': 0, 'agent-behind': 0, 'agent-down': 0 };
  let droppedFields = 0;
  let lastProblem: string | undefined;
  let lastWarnMs = 0;

  const problem = (reason: UnstampedCause, text: string) => {
    unstamped[reason]++;
    lastProblem = text;
    // At most one line every 10 s: a sender of bad messages would otherwise log each one.
    const now = Date.now();
    if (now - lastWarnMs >= 10_000) {
      lastWarnMs = now;
      log.warn({ code: TapError.HW_TAP_UNSTAMPED.code, reason, problem: text, unstamped }, 'DUIS message forwarded without a stamp');
    }
  };

  const stamp = (scan: HeaderScan, timeUs: number, toHop: (header: DuisHeader) => HopOrProblem) => {
    if ('problem' in scan) return problem('unreadable-header', scan.problem);
    const hop = toHop(scan.header);
    if ('problem' in hop) return problem(hop.reason, hop.problem);
    if (hop.droppedField) {
      droppedFields++;
      lastProblem = `${hop.droppedField} left out of the hop`;
    }
    const handover = agent.record(hop.key, hop.point, timeUs, hop.context);
    if (handover === 'behind') return problem('agent-behind', `the agent's queue is full (${agent.queue().capacityHops} hops)`);
    if (handover === 'down') return problem('agent-down', 'the tap\'s agent has stopped');
    if (hop.point === HopPoint.UG_IN) stamped.serviceRequests++;
    else if (hop.point === HopPoint.UG_ACK) stamped.acknowledgements++;
    else if (hop.point === HopPoint.ALERT_UG_OUT) stamped.alerts++;
    else stamped.responses++;
  };

  const legs: PassThrough[] = [];
  const counters = (): TapCounters => {
    const [dccLeg, userLeg] = legs;
    return {
      ...stamped,
      unstamped: { ...unstamped },
      droppedFields,
      ...(lastProblem ? { lastProblem } : {}),
      agentQueue: agent.queue(),
      dcc: dccLeg!.counters(),
      ...(userLeg ? { user: userLeg.counters() } : {}),
    };
  };
  const agent: TapAgent = await startTapAgent({
    config: config.agent, queueHops: config.agentQueueHops, clock, logs: deps.logger !== undefined, logger,
    ...(deps.agentWorker ? { workerEntry: deps.agentWorker } : {}),
  });

  const common = { maxHeaderBytes: config.maxHeaderBytes, timeoutMs: config.upstreamTimeoutMs, maxSockets: config.maxSockets, clock, logger, ...(serverTls ? { serverTls } : {}) };
  try {
    legs.push(await startPassThrough({
      ...common, name: 'dcc', host: config.dcc.host, port: config.dcc.port, target: config.dcc.url, clientTls: dccTls,
      observer: {
        request: (scan, us) => stamp(scan, us, serviceRequestHop),
        response: (scan, us, request) => stamp(scan, us, (header) => synchronousAnswerHop(header, request && 'header' in request ? request.header.requestId : undefined)),
      },
    }));
    if (config.user.url) {
      legs.push(await startPassThrough({
        ...common, name: 'user', host: config.user.host, port: config.user.port, target: config.user.url, clientTls: userTls,
        observer: { request: (scan, us) => stamp(scan, us, deliveryHop) },
      }));
    }
  } catch (err) {
    await Promise.all(legs.map((l) => l.close()));
    await agent.close();
    throw err;
  }
  const [dccLeg, userLeg] = legs as [PassThrough, PassThrough | undefined];
  agent.publishCounters(counters);
  log.info({ dcc: dccLeg.url, to: config.dcc.url, user: userLeg?.url, userEndpoint: config.user.url || undefined }, 'tap listening');
  let closed: Promise<void> | undefined;

  return {
    agent,
    dccUrl: dccLeg.url,
    ...(userLeg ? { userUrl: userLeg.url } : {}),
    counters,
    close() {
      closed ??= (async () => {
        await Promise.all(legs.map((l) => l.close()));
        await agent.close();
      })();
      return closed;
    },
  };
}
