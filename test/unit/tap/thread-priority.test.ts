import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { packageFile } from '../../../common/paths.js';

const threadId = () => Number(readlinkSync('/proc/thread-self').split('/').pop());

// A worker thread, as the tap's agent runs in, lowers its own priority and reports its thread id;
// it stays alive until told to go, so that its nice value can be read from outside.
const WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { readlinkSync } = require('node:fs');
  import(workerData.module).then(({ lowerThreadPriority }) => {
    const nice = lowerThreadPriority(workerData.nice);
    parentPort.postMessage({ nice, tid: Number(readlinkSync('/proc/thread-self').split('/').pop()) });
    parentPort.once('message', () => parentPort.close());
  });
`;

async function inWorker(nice: number): Promise<{ nice: number | undefined; tid: number; niceSeenOutside: number; stop: () => Promise<number> }> {
  const module = pathToFileURL(packageFile('dist', 'tap', 'thread-priority.js')).href;
  const worker = new Worker(WORKER, { eval: true, workerData: { module, nice } });
  const reply = await new Promise<{ nice: number | undefined; tid: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    ...reply,
    niceSeenOutside: os.getPriority(reply.tid),
    stop: () => {
      worker.postMessage('go');
      return new Promise<number>((resolve) => worker.once('exit', resolve));
    },
  };
}

describe('lowering a thread\'s priority', () => {
  it('sets the nice value of the calling thread and leaves the other threads of its process as they were', async () => {
    const before = os.getPriority(threadId());
    const worker = await inWorker(10);

    expect(worker.tid).not.toBe(threadId());
    expect(worker.nice).toBe(Math.max(10, before));
    expect(worker.niceSeenOutside).toBe(Math.max(10, before));
    expect(os.getPriority(threadId())).toBe(before);
    expect(await worker.stop()).toBe(0);
  });

  it('never raises a priority: a thread already nicer than asked keeps its own', async () => {
    // A new thread starts with the nice value of the thread that made it.
    const before = os.getPriority(threadId());
    const worker = await inWorker(before - 5);

    expect(worker.nice).toBe(before);
    expect(worker.niceSeenOutside).toBe(before);
    expect(await worker.stop()).toBe(0);
  });
});
