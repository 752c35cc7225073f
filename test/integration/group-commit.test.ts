// Group commits into a real SQLite buffer: requests of one turn share a commit, a request's hops
// are never split across commits, and a failed commit answers every waiter with "not stored".
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBufferStore, type BufferStore, type StoredBatch } from '../../agent/buffer-store.js';
import { createGroupCommit, type GroupCommit } from '../../agent/group-commit.js';
import { silentLogger } from '../../common/logger.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('group commit', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: BufferStore;
  let commits: GroupCommit;
  let wakes: number;
  beforeEach(() => {
    dir = tempDir();
    store = openBufferStore({ file: join(dir.path, 'buffer.db'), maxBytes: 1 << 30 });
    wakes = 0;
    commits = createGroupCommit({ store, collect: () => undefined, onStored: () => wakes++, maxStagedHops: 100, logger: silentLogger });
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  const batchOf = (hops: number): StoredBatch => ({ seq: store.nextSeq(), hops, bytes: new Uint8Array(hops) });
  const stage = (hops: number) => commits.stage([batchOf(hops)], hops);

  it('stores the requests of one turn in one commit and answers each after it', async () => {
    const answers = Array.from({ length: 10 }, () => commits.durably(() => stage(5)));

    const results = await Promise.all(answers);

    expect(results.every((r) => r.stored)).toBe(true);
    expect(commits.counters()).toEqual({ commits: 1, failedCommits: 0, writeFailedHops: 0 });
    expect(store.counters().hops).toBe(50);
    expect(wakes).toBe(1);
  });

  it('never commits part of a request, even past its bound on staged hops', async () => {
    const answer = commits.durably(() => {
      for (let i = 0; i < 30; i++) stage(10);
      return store.counters().hops;
    });

    const { value: storedWhileRecording, stored } = await answer;

    expect(storedWhileRecording).toBe(0);
    expect(stored).toBe(true);
    expect(store.counters().hops).toBe(300);
  });

  it('commits at once past its bound when no request is recording', () => {
    for (let i = 0; i < 10; i++) stage(10);

    expect(store.counters().hops).toBe(100);
    expect(commits.stagedHops).toBe(0);
  });

  it('answers every waiter "not stored" and counts the hops when the commit fails', async () => {
    const answers = [commits.durably(() => stage(7)), commits.durably(() => stage(3))];
    store.close();

    const results = await Promise.all(answers);

    expect(results.map((r) => r.stored)).toEqual([false, false]);
    expect(commits.counters()).toEqual({ commits: 0, failedCommits: 1, writeFailedHops: 10 });
    store = openBufferStore({ file: join(dir.path, 'buffer.db'), maxBytes: 1 << 30 });
    expect(store.counters().hops).toBe(0);
  });
});
