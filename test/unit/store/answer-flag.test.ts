import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForFlag } from '../../../collector/store/postgres/answer-flag.js';

// A thread that, once told to go, wakes the waiter without raising the flag (a late notify of an
// earlier answer), and only later raises it.
const LATE_NOTIFY = `
const { workerData } = require('node:worker_threads');
const [flag, go] = [new Int32Array(workerData, 0, 1), new Int32Array(workerData, 4, 1)];
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
Atomics.wait(go, 0, 0, 10000);
pause(20);
Atomics.notify(flag, 0);
pause(30);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
`;

describe('waiting for the connection thread\'s answer', () => {
  let worker: Worker | undefined;
  afterEach(async () => {
    await worker?.terminate();
  });

  it('keeps waiting through a wake-up that leaves the flag down, and returns once it is raised', () => {
    const shared = new SharedArrayBuffer(8);
    const [flag, go] = [new Int32Array(shared, 0, 1), new Int32Array(shared, 4, 1)];
    worker = new Worker(LATE_NOTIFY, { eval: true, workerData: shared });
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);

    expect(waitForFlag(flag, 10_000)).toBe(true);
    expect(Atomics.load(flag, 0)).toBe(1);
  });

  it('gives up after the timeout when the flag is never raised', () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    expect(waitForFlag(flag, 30)).toBe(false);
  });

  it('returns at once when the answer came before the wait began', () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(flag, 0, 1);
    expect(waitForFlag(flag, 0)).toBe(true);
  });
});
