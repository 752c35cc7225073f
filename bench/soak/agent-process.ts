// An agent as its own process (the built CLI, `hopwatch agent`), with its HTTP intake on a
// loopback port, so that it can be SIGKILLed and started again on the same buffer file.
import { spawn, type ChildProcess } from 'node:child_process';
import { packageFile } from '../../common/paths.js';
import { waitFor } from '../../common/wait-for.js';
import { freePort } from '../mosquitto.js';

export interface AgentProcessOptions {
  readonly agentId: string;
  readonly brokerUrl: string;
  readonly bufferFile: string;
}

export interface AgentProcess {
  readonly intakeUrl: string;
  /** Exit code or signal once the process has ended, else undefined. */
  exited(): string | undefined;
  status(): Promise<AgentProcessStatus>;
  /** Resolves once every buffered batch is acknowledged by the collector. */
  drained(timeoutMs: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** The fields of `GET /status` the soak suite reads. */
export interface AgentProcessStatus {
  readonly writeFailedHops: number;
  readonly unsealedHops: number;
  readonly buffer: { readonly batches: number; readonly droppedHops: number; readonly pendingRemovals: number };
  readonly forward: { readonly inFlight: number };
}

export async function spawnAgent(options: AgentProcessOptions): Promise<AgentProcess> {
  const httpPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, [
    packageFile('dist', 'bin', 'hopwatch.js'), 'agent', '--id', options.agentId, '--broker', options.brokerUrl,
    '--buffer-file', options.bufferFile, '--http-port', String(httpPort), '--udp-port', '0',
    '--ack-timeout-ms', '3000', '--reconnect-initial-ms', '100', '--reconnect-max-ms', '1000', '--log-level', 'error',
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  const intakeUrl = `http://127.0.0.1:${httpPort}`;
  const exited = () => (child.exitCode !== null ? `exit ${child.exitCode}` : child.signalCode ?? undefined);
  const status = async () => (await (await fetch(`${intakeUrl}/status`, { signal: AbortSignal.timeout(5000) })).json()) as AgentProcessStatus;
  try {
    await waitFor(async () => {
      const end = exited();
      if (end) throw new Error(`agent ${options.agentId} ended (${end}) before its intake answered`);
      try {
        return (await fetch(`${intakeUrl}/healthz`)).status === 200;
      } catch {
        return false;
      }
    }, 180_000, `agent ${options.agentId} to answer /healthz`);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    intakeUrl,
    exited,
    status,
    async drained(timeoutMs) {
      await waitFor(async () => {
        const s = await status();
        return s.unsealedHops === 0 && s.buffer.batches === 0 && s.forward.inFlight === 0;
      }, timeoutMs, `agent ${options.agentId} to drain its buffer`);
    },
    kill: (signal) => new Promise<void>((resolve) => {
      if (exited()) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    }),
  };
}
