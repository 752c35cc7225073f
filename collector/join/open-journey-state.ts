// How an open journey is written to the store (open_journeys.state) and read back.
import type { JourneyContext } from '../../proto/hop-context.js';
import { JoinKey } from './join-key.js';
import { Journey } from './journey.js';

export interface OpenJourneyState {
  readonly key: string;
  /** proto/partition.ts; absent in states checkpointed before partitions. */
  readonly partition?: number;
  readonly hash: number;
  readonly hash2: number;
  readonly openedAtMs: number;
  readonly firstBatchId: number;
  readonly deadlineMs: number;
  readonly finalAtMs: number | null;
  readonly context: JourneyContext;
  /** [point, agentId, timeUs, code?] */
  readonly hops: readonly (readonly [number, string, number, string?])[];
}

export function stateOf(j: Journey, agentName: (index: number) => string, partition: number): OpenJourneyState {
  return {
    key: j.key.toString(),
    partition,
    hash: j.key.hash,
    hash2: j.key.hash2,
    openedAtMs: j.openedAtMs,
    firstBatchId: j.firstBatchId,
    deadlineMs: j.deadlineMs,
    finalAtMs: Number.isNaN(j.finalAtMs) ? null : j.finalAtMs,
    context: j.context,
    hops: Array.from({ length: j.count }, (_, i) => {
      const code = j.codeAt(i);
      const hop = [j.pointAt(i), agentName(j.agentAt(i)), j.timeAt(i)] as const;
      return code === undefined ? hop : [...hop, code] as const;
    }),
  };
}

export function journeyOf(s: OpenJourneyState, agentIndex: (id: string) => number, intern: (ctx: JourneyContext) => JourneyContext): Journey {
  const key = JoinKey.parse(s.key);
  if (!key) throw new Error(`stored open journey has a malformed key: ${JSON.stringify(s.key)}`);
  const j = new Journey(key, s.openedAtMs, s.firstBatchId, s.deadlineMs);
  j.context = intern(s.context);
  if (s.finalAtMs !== null) j.finalAtMs = s.finalAtMs;
  for (const [point, agent, time, code] of s.hops) j.addHop(point, agentIndex(agent), time, code);
  j.persisted = true;
  j.dirty = false;
  return j;
}
