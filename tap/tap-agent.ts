// The proxy thread's end of the tap's agent: starts the worker thread that runs it
// (tap/agent-worker.ts), hands it hops through the stamp ring, and asks it for its status, to
// drain and to close. Handing a hop over never waits: when the worker is behind (the ring is
// full) or has stopped, the hop is refused and the caller counts it; the traffic goes on.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AgentStatus } from '../agent/agent.js';
import type { AgentConfig } from '../agent/config.js';
import type { JourneyKey } from '../agent/journey-key.js';
import type { Clock } from '../common/clock.js';
import { HopwatchError } from '../common/error-codes.js';
import type { Logger } from '../common/logger.js';
import { packageFile } from '../common/paths.js';
import type { HopContext } from '../proto/hop-context.js';
import type { AgentWorkerData } from './agent-worker.js';
import type { FromAgentWorker, ToAgentWorker } from './agent-worker-protocol.js';
import { TapError } from './errors.js';
import { createStampRingBuffer, stampRingWriter } from './stamp-ring.js';
import { timelineAnchor } from './worker-timeline.js';

/** What became of a hop handed over: queued for the agent, refused because the ring is full, or refused because the agent has stopped. */
export type Handover = 'queued' | 'behind' | 'down';

export interface TapAgent {
  /** The hot path: puts the hop in the ring; never waits. */
  record(key: JourneyKey, point: number, timeUs: number, context: HopContext | undefined): Handover;
  /** Hops in the ring, not yet taken by the agent, and the ring's bound. */
  queue(): { readonly queuedHops: number; readonly capacityHops: number };
  /** False once the worker has stopped (it failed): every hop after is refused as 'down'. */
  readonly running: boolean;
  /** Sends `counters` (the tap's) to the worker now and every COUNTERS_INTERVAL_MS, for the status its intake serves. */
  publishCounters(counters: () => unknown): void;
  /** Where the agent's intake listens, when it is on. */
  readonly httpPort?: number;
  readonly udpPort?: number;
  status(): Promise<AgentStatus>;
  /** Takes every hop handed over so far, then waits until the collector has acknowledged all that is buffered. */
  drained(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface TapAgentOptions {
  readonly config: AgentConfig;
  /** Hops the ring holds, at most. */
  readonly queueHops: number;
  readonly clock: Clock;
  /** False: the worker logs nothing. */
  readonly logs: boolean;
  readonly logger: Logger;
  /** The worker's entry file; undefined: tap/agent-worker.ts compiled. Tests put a stand-in there that stalls or fails. */
  readonly workerEntry?: string;
}

/** How often the tap's counters are sent to the worker: the status it serves is at most this old. */
const COUNTERS_INTERVAL_MS = 500;
/** A status question the worker has not answered in this long is given up. */
const STATUS_TIMEOUT_MS = 5000;

// Compiled, the worker's entry sits beside this module. Run from source (the tests), the
// compiled one in dist/ is used: a worker thread cannot load TypeScript, and `npm test` builds first.
function workerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? packageFile('dist', 'tap', 'agent-worker.js') : join(dirname(here), 'agent-worker.js');
}

export async function startTapAgent(options: TapAgentOptions): Promise<TapAgent> {
  const log = options.logger.child({ component: 'tap-agent' });
  const ring = createStampRingBuffer(options.queueHops);
  const writer = stampRingWriter(ring);
  const data: AgentWorkerData = { agent: options.config, ring, anchor: timelineAnchor(options.clock), logs: options.logs };
  const worker = new Worker(options.workerEntry ?? workerEntry(), { workerData: data });
  const calls = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let running = true;
  let closing = false;

  const starting: { onMessage?: (m: FromAgentWorker) => void; onError?: (err: Error) => void; onExit?: (code: number) => void } = {};
  const ready = await new Promise<Extract<FromAgentWorker, { kind: 'ready' }>>((resolve, reject) => {
    starting.onMessage = (message) => {
      if (message.kind === 'ready') resolve(message);
      else if (message.kind === 'failed') {
        reject(message.code?.startsWith('HW_')
          ? new HopwatchError(message.code, message.message)
          : new HopwatchError(TapError.HW_TAP_AGENT.code, `the tap's agent could not start: ${message.message}`));
      }
    };
    starting.onError = (err) => reject(new HopwatchError(TapError.HW_TAP_AGENT.code, `the tap's agent could not start: ${err.message}`));
    starting.onExit = (code) => reject(new HopwatchError(TapError.HW_TAP_AGENT.code, `the tap's agent stopped as it started (exit code ${code})`));
    worker.on('message', starting.onMessage).on('error', starting.onError).on('exit', starting.onExit);
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  }).finally(() => {
    worker.off('message', starting.onMessage!).off('error', starting.onError!).off('exit', starting.onExit!);
  });

  const post = (message: ToAgentWorker) => {
    if (running) worker.postMessage(message);
  };
  const call = <T>(op: 'status' | 'close' | 'drained', timeoutMs: number): Promise<T> => {
    if (!running) return Promise.reject(new Error('the tap\'s agent has stopped'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        calls.delete(id);
        reject(new Error(`the tap's agent did not answer ${op} within ${timeoutMs} ms`));
      }, timeoutMs);
      calls.set(id, {
        resolve: (value) => { clearTimeout(timer); resolve(value as T); },
        reject: (err) => { clearTimeout(timer); reject(err); },
      });
      post(op === 'drained' ? { kind: 'call', id, op, timeoutMs } : { kind: 'call', id, op });
    });
  };

  let sendCounters: () => void = () => undefined;
  let publish: NodeJS.Timeout | undefined;

  worker.on('message', (message: FromAgentWorker) => {
    if (message.kind !== 'reply') return;
    const pending = calls.get(message.id);
    calls.delete(message.id);
    if (message.error !== undefined) pending?.reject(new Error(message.error));
    else pending?.resolve(message.value);
  });
  let failed = false;
  worker.on('error', (err) => {
    failed = true;
    log.error({ code: TapError.HW_TAP_AGENT.code, err: err.message }, 'the tap\'s agent failed; traffic goes on unchanged and its messages are counted unstamped (agent-down)');
  });
  worker.on('exit', () => {
    running = false;
    clearInterval(publish);
    for (const pending of calls.values()) pending.reject(new Error('the tap\'s agent has stopped'));
    calls.clear();
    if (!closing && !failed) log.error({ code: TapError.HW_TAP_AGENT.code }, 'the tap\'s agent stopped; traffic goes on unchanged and its messages are counted unstamped (agent-down)');
  });

  let closed: Promise<void> | undefined;

  return {
    record(key, point, timeUs, context) {
      if (!running) return 'down';
      return writer.push(key, point, timeUs, context) ? 'queued' : 'behind';
    },
    queue: () => ({ queuedHops: writer.queued, capacityHops: writer.capacity }),
    publishCounters(counters) {
      sendCounters = () => post({ kind: 'counters', tap: counters() });
      clearInterval(publish);
      publish = setInterval(sendCounters, COUNTERS_INTERVAL_MS);
      publish.unref();
      sendCounters();
    },
    get running() {
      return running;
    },
    ...(ready.httpPort ? { httpPort: ready.httpPort } : {}),
    ...(ready.udpPort ? { udpPort: ready.udpPort } : {}),
    status: () => call<AgentStatus>('status', STATUS_TIMEOUT_MS),
    // The worker's own drained() times out first; this one only covers a worker that does not answer.
    drained: (timeoutMs) => call<void>('drained', timeoutMs + STATUS_TIMEOUT_MS),
    close() {
      closed ??= (async () => {
        closing = true;
        clearInterval(publish);
        if (running) {
          sendCounters();
          // The agent's close waits for acknowledgements up to forward.closeTimeoutMs.
          await call<void>('close', options.config.forward.closeTimeoutMs + STATUS_TIMEOUT_MS).catch((err: Error) => {
            log.warn({ err: err.message }, 'the tap\'s agent did not close cleanly');
          });
        }
        await worker.terminate();
      })();
      return closed;
    },
  };
}
