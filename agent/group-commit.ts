// Writes encoded batches to the buffer in group commits: everything staged during one turn of
// the event loop is appended in one transaction at the end of that turn (setImmediate), so a
// burst of stamps or of HTTP requests costs one commit, not one each. Requests that arrive
// while a commit runs are handled after it and go into the next one.
//
// `durably(record)` is how the HTTP intake answers only once its hops are stored: every hop
// `record` stamps goes into one commit (no commit runs while it records, and the commit that
// answers it first seals the recorder's open chunk), and it resolves with that commit's
// outcome: all of the hops stored, or none of them.
//
// A failed commit (disk full) drops what it held and counts it; stamping goes on, and the next
// commit tries again with new hops. Memory is bounded: past maxStagedHops a commit runs at
// once, except while `durably` records (one request's hops, which bodyLimit bounds).
import type { Logger } from '../common/logger.js';
import type { BufferStore, StoredBatch } from './buffer-store.js';
import { AgentError } from './errors.js';

export interface GroupCommitOptions {
  readonly store: BufferStore;
  /** Seals hops still in memory so that they join the commit (the recorder's flush). */
  readonly collect: () => void;
  /** Called after a commit stored something (wakes the forwarder). */
  readonly onStored: () => void;
  readonly maxStagedHops: number;
  readonly logger: Logger;
}

export interface GroupCommitCounters {
  readonly commits: number;
  readonly failedCommits: number;
  readonly writeFailedHops: number;
}

export interface Durable<T> {
  readonly value: T;
  /** True when every hop recorded was committed to the buffer; false when none was. */
  readonly stored: boolean;
}

export interface GroupCommit {
  /** Adds encoded batches (holding `hops` hops) to the next commit. */
  stage(batches: readonly StoredBatch[], hops: number): void;
  durably<T>(record: () => T): Promise<Durable<T>>;
  /** Commits now: seals what is in memory when someone is waiting, appends what is staged. */
  commitNow(): void;
  readonly stagedHops: number;
  counters(): GroupCommitCounters;
}

export function createGroupCommit(options: GroupCommitOptions): GroupCommit {
  const { store } = options;
  const log = options.logger.child({ component: 'group-commit' });
  let staged: StoredBatch[] = [];
  let stagedHops = 0;
  let waiters: ((stored: boolean) => void)[] = [];
  let scheduled = false;
  let recording = 0;
  let committing = false;
  let failing = false;
  const counters = { commits: 0, failedCommits: 0, writeFailedHops: 0 };

  const commit = () => {
    scheduled = false;
    committing = true;
    const answering = waiters;
    waiters = [];
    try {
      if (answering.length > 0) options.collect();
    } finally {
      committing = false;
    }
    const batches = staged;
    const hops = stagedHops;
    staged = [];
    stagedHops = 0;
    const stored = batches.length === 0 || append(batches, hops);
    for (const answer of answering) answer(stored);
  };

  const append = (batches: StoredBatch[], hops: number): boolean => {
    const result = store.append(batches);
    if (result.ok) {
      counters.commits++;
      if (failing) {
        failing = false;
        log.info({ writeFailedHops: counters.writeFailedHops }, 'buffer writes work again');
      }
      options.onStored();
      return true;
    }
    counters.failedCommits++;
    counters.writeFailedHops += hops;
    // Once per failing spell: a full disk would otherwise log every flush interval.
    if (!failing) {
      failing = true;
      log.error({ code: AgentError.HW_AGENT_BUFFER_WRITE.code, err: result.error, hops }, 'buffer write failed; hops dropped and counted until it works again');
    }
    return false;
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(commit);
  };

  return {
    stage(batches, hops) {
      for (const b of batches) staged.push(b);
      stagedHops += hops;
      if (stagedHops >= options.maxStagedHops && recording === 0 && !committing) commit();
      else schedule();
    },
    durably(record) {
      recording++;
      let value;
      try {
        value = record();
      } finally {
        recording--;
      }
      return new Promise((resolve) => {
        waiters.push((stored) => resolve({ value, stored }));
        schedule();
      });
    },
    commitNow: commit,
    get stagedHops() {
      return stagedHops;
    },
    counters: () => ({ ...counters }),
  };
}
