// A rig that posts journeys to an agent's HTTP intake at a steady rate, as rig code in another
// language would. A request that is not answered 200 (agent down, disk full) is posted again,
// unchanged, until it is: the intake commits before it answers, so a 200 is the ground truth
// of what the agent holds. A request the agent committed but died before answering is posted
// again too; what that doubles is what the tally looks for.
import { createSoakJourneys } from './ground-truth.js';

export interface Rig {
  /** Journeys answered 200. */
  readonly sent: number;
  /** Requests that were not answered 200 and were posted again. */
  readonly retries: number;
  /** Stops starting journeys and resolves once every started one is answered 200. */
  stop(timeoutMs: number): Promise<void>;
}

export interface RigOptions {
  readonly scenarioIndex: number;
  /** Where the agent's intake is now (it may move when the agent restarts). */
  readonly intakeUrl: () => string;
  readonly hopsPerSecond: number;
}

const TICK_MS = 100;

export function startRig(options: RigOptions): Rig {
  const journeys = createSoakJourneys(options.scenarioIndex);
  const perTick = Math.max(1, Math.round((options.hopsPerSecond / 2) * (TICK_MS / 1000)));
  let next = 0;
  let sent = 0;
  let retries = 0;
  let stopping = false;
  let pending: { from: number; to: number; body: string } | undefined;

  const post = async (body: string): Promise<boolean> => {
    try {
      const res = await fetch(`${options.intakeUrl()}/hops`, { method: 'POST', body, signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  };

  const loop = (async () => {
    let due = Date.now();
    while (!stopping || pending) {
      if (!pending && !stopping) {
        pending = { from: next, to: next + perTick, body: journeys.lines(next, next + perTick, Date.now() * 1000) };
        next += perTick;
      }
      if (pending) {
        if (await post(pending.body)) {
          sent += pending.to - pending.from;
          pending = undefined;
        } else {
          retries++;
        }
      }
      due += TICK_MS;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      if (Date.now() - due > 1000) due = Date.now();
    }
  })();

  return {
    get sent() { return sent; },
    get retries() { return retries; },
    async stop(timeoutMs) {
      stopping = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`the rig's last request was not answered 200 within ${timeoutMs} ms`)), timeoutMs); });
      try {
        await Promise.race([loop, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
