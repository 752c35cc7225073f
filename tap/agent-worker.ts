// The tap's agent, in a worker thread of its own: the recorder, the batch encoder, the SQLite
// buffer, the MQTT forwarder and the HTTP intake (GET /status, POST /hops) all run here, so that
// their work (encoding a batch, a commit that waits for the disk, a WAL checkpoint, their garbage
// collection) never holds the proxy's event loop and the exchanges passing through it. Hops
// arrive through the stamp ring (tap/stamp-ring.ts), drained every DRAIN_INTERVAL_MS; everything
// else is a message on the worker's port (tap/tap-agent.ts is the other end).
import { parentPort, workerData } from 'node:worker_threads';
import { createAgent, type Agent } from '../agent/agent.js';
import type { AgentConfig } from '../agent/config.js';
import { startIntake, type Intake } from '../agent/intake.js';
import { createLogger, silentLogger } from '../common/logger.js';
import { stampRingReader } from './stamp-ring.js';
import { lowerThreadPriority } from './thread-priority.js';
import { anchoredClock, type TimelineAnchor } from './worker-timeline.js';
import type { FromAgentWorker, ToAgentWorker } from './agent-worker-protocol.js';

export interface AgentWorkerData {
  readonly agent: AgentConfig;
  readonly ring: SharedArrayBuffer;
  readonly anchor: TimelineAnchor;
  /** False: log nothing (the tap was started with no logger, as in tests). */
  readonly logs: boolean;
}

/**
 * How often the worker takes the hops waiting in the ring. Their times were read when they passed
 * the proxy, so waiting costs them nothing; at 1,000 exchanges/s a drain takes about 20 hops.
 */
const DRAIN_INTERVAL_MS = 10;

/**
 * This thread's nice value (the proxy thread keeps the process's): when both want a core, the
 * proxy forwarding traffic gets it first, and the agent, whose hops carry the times they were
 * stamped, catches up a few milliseconds later at no cost to them.
 */
const AGENT_NICE = 10;

const port = parentPort!;
const data = workerData as AgentWorkerData;
const send = (message: FromAgentWorker) => port.postMessage(message);

async function start(): Promise<{ agent: Agent; intake: Intake; logger: typeof silentLogger }> {
  const logger = data.logs ? createLogger(data.agent.logLevel, 'hopwatch-tap') : silentLogger;
  const agent = createAgent(data.agent, { clock: anchoredClock(data.anchor), logger });
  let tap: unknown = {};
  port.on('message', (message: ToAgentWorker) => {
    if (message.kind === 'counters') tap = message.tap;
  });
  // The status the intake serves carries the tap's counters as the proxy thread last sent them.
  const withCounters: Agent = { ...agent, status: () => Object.assign(agent.status(), { tap }) };
  const { host, udpPort, httpPort, token } = data.agent.intake;
  try {
    const intake = await startIntake(withCounters, { host, udpPort, httpPort, token, logger });
    return { agent, intake, logger };
  } catch (err) {
    await agent.close();
    throw err;
  }
}

async function run(): Promise<void> {
  const nice = lowerThreadPriority(AGENT_NICE);
  let started: Awaited<ReturnType<typeof start>>;
  try {
    started = await start();
  } catch (err) {
    send({ kind: 'failed', message: (err as Error).message, ...((err as { code?: unknown }).code ? { code: String((err as { code: unknown }).code) } : {}) });
    port.close();
    return;
  }
  const { agent, intake, logger } = started;
  logger.debug({ component: 'tap-agent-worker', nice: nice ?? 'unchanged' }, 'agent worker thread priority');
  const ring = stampRingReader(data.ring);
  const drain = () => ring.drain(agent.record);
  const timer = setInterval(drain, DRAIN_INTERVAL_MS);

  const close = async () => {
    clearInterval(timer);
    drain();
    await intake.close();
    await agent.close();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  };

  port.on('message', (message: ToAgentWorker) => {
    if (message.kind !== 'call') return;
    const { id } = message;
    const answer = async (): Promise<unknown> => {
      if (message.op === 'status') return agent.status();
      drain();
      if (message.op === 'drained') return agent.drained(message.timeoutMs);
      return close();
    };
    answer().then(
      (value) => send({ kind: 'reply', id, value }),
      (err: Error) => send({ kind: 'reply', id, error: err.message }),
    );
  });
  send({ kind: 'ready', ...(intake.httpPort ? { httpPort: intake.httpPort } : {}), ...(intake.udpPort ? { udpPort: intake.udpPort } : {}) });
}

void run();
