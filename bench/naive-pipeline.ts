// The pipeline a user might write without hopwatch, for the end-to-end comparison:
// a publisher process sending one JSON MQTT message per hop (QoS 1, mqtt.js) and a
// subscriber process storing one SQLite row per hop (WAL), joining nothing. The broker is
// given (embedded aedes or Mosquitto), the traffic is bench/synthetic-traffic.ts, and the
// run is shaped like bench/end-to-end.ts: offer a rate for durationS, stop starting
// journeys, finish the ones under way, wait until everything sent is stored or stalls.
//
// Storage defaults to the naive way with hopwatch's durability: one transaction per hop,
// committed before its PUBACK, synchronous = FULL (the collector's default).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { packageFile } from '../common/paths.js';
import type {
  NaiveCommit, NaivePublisherOptions, NaiveSubscriberOptions, PublisherProgress, SubscriberProgress,
} from './naive-messages.js';

export interface NaivePipelineOptions {
  readonly brokerUrl: string;
  readonly hopsPerSecond: number;
  readonly durationS: number;
  /** A directory for the subscriber's database; the run uses (and removes) a fresh folder inside it. */
  readonly dataDir: string;
  /** Groups of gateway, CSP and rig publishers (default 1: three MQTT connections). */
  readonly groups?: number;
  readonly commit?: NaiveCommit;
  readonly synchronous?: 'full' | 'normal';
  readonly log?: (line: string) => void;
}

export interface NaivePipelineResult {
  /** Stored hops / time from the first publish until the last of them was stored. */
  readonly hopsPerS: number;
  readonly storedHops: number;
  /** One publish per hop. */
  readonly sentHops: number;
  /** Sent and never stored (dropped by the broker, or still unstored when delivery stalled). */
  readonly lostHops: number;
  /** Rows stored twice (QoS 1 is at least once); not counted in storedHops. */
  readonly duplicateHops: number;
  readonly offeredHopsPerS: number;
  /** Publishes the broker acknowledged (PUBACK). */
  readonly ackedHops: number;
  /** Largest backlog (sent, not yet stored) seen during the run, in seconds of offered traffic. */
  readonly maxBacklogS: number;
  readonly publisherCpuSPerMillionHops: number;
  readonly subscriberCpuSPerMillionHops: number;
  readonly publisherPeakRssMb: number;
  readonly subscriberPeakRssMb: number;
}

/** Give up waiting for stores after this long without one. */
const STALL_MS = 10_000;
const DRAIN_DEADLINE_MS = 300_000;
const READY_TIMEOUT_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Child<P> {
  readonly process: ChildProcess;
  latest: P | undefined;
  exited: boolean;
}

function forkChild<P>(file: string, options: unknown): Child<P> {
  const child: Child<P> = {
    process: fork(packageFile('dist', 'bench', file), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    latest: undefined,
    exited: false,
  };
  child.process.on('message', (m: P) => { child.latest = m; });
  // 'close' comes after the last IPC message, unlike 'exit'.
  child.process.once('close', () => { child.exited = true; });
  return child;
}

/** Waits until `check` holds; fails if the child exits first or the time runs out. */
async function until<P>(child: Child<P>, check: (p: P) => boolean, timeoutMs: number, what: string): Promise<P> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.latest !== undefined && check(child.latest)) return child.latest;
    if (child.exited) throw new Error(`${what}: the child process exited first`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

function kill(child: Child<unknown> | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exited) return resolve();
    child.process.once('close', () => resolve());
    child.process.kill('SIGKILL');
  });
}

/** Each synthetic journey has its own key, so (key, point) names one hop. */
function distinctHops(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM (SELECT DISTINCT key, point FROM hops)').pluck().get() as number;
  } finally {
    db.close();
  }
}

export async function runNaivePipeline(o: NaivePipelineOptions): Promise<NaivePipelineResult> {
  const log = o.log ?? (() => undefined);
  if (!(o.hopsPerSecond > 0 && o.durationS > 0)) throw new RangeError(`hopsPerSecond and durationS must be positive, got ${o.hopsPerSecond} and ${o.durationS}`);
  mkdirSync(o.dataDir, { recursive: true });
  const dir = mkdtempSync(join(o.dataDir, 'naive-'));
  let subscriber: Child<SubscriberProgress> | undefined;
  let publisher: Child<PublisherProgress> | undefined;
  try {
    const subscriberOptions: NaiveSubscriberOptions = {
      brokerUrl: o.brokerUrl, file: join(dir, 'hops.db'), commit: o.commit ?? 'per-hop', synchronous: o.synchronous ?? 'full',
    };
    subscriber = forkChild<SubscriberProgress>('naive-subscriber.js', subscriberOptions);
    // Subscribed before the first publish: with a clean session nothing earlier would reach it.
    await until(subscriber, (p) => p.type === 'ready', READY_TIMEOUT_MS, 'the naive subscriber to subscribe');
    const publisherOptions: NaivePublisherOptions = { brokerUrl: o.brokerUrl, hopsPerSecond: o.hopsPerSecond, groups: o.groups ?? 1 };
    publisher = forkChild<PublisherProgress>('naive-publisher.js', publisherOptions);
    // The run's time starts with the first publish: on a busy machine the child takes a while to load and connect.
    await until(publisher, (p) => p.sent > 0, READY_TIMEOUT_MS, 'the naive publisher to start publishing');

    const sent = () => publisher?.latest?.sent ?? 0;
    const stored = () => subscriber?.latest?.stored ?? 0;
    let maxBacklog = 0;
    const started = Date.now();
    const stopAt = started + o.durationS * 1000;
    while (Date.now() < stopAt) {
      await sleep(Math.min(1000, Math.max(0, stopAt - Date.now())));
      maxBacklog = Math.max(maxBacklog, sent() - stored());
      log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: sent ${sent()}, stored ${stored()}, backlog ${sent() - stored()}`);
    }
    publisher.process.send({ type: 'stop' });
    const done = await until(publisher, (p) => p.type === 'done', DRAIN_DEADLINE_MS, 'the naive publisher to finish');

    let lastProgressAt = Date.now();
    let lastStored = stored();
    const drainDeadline = Date.now() + DRAIN_DEADLINE_MS;
    while (stored() < done.sent && Date.now() - lastProgressAt < STALL_MS && Date.now() < drainDeadline) {
      await sleep(100);
      maxBacklog = Math.max(maxBacklog, done.sent - stored());
      if (stored() > lastStored) {
        lastStored = stored();
        lastProgressAt = Date.now();
      }
    }
    subscriber.process.send({ type: 'stop' });
    const last = await until(subscriber, (p) => p.type === 'stopped', 30_000, 'the naive subscriber to stop');
    const distinct = distinctHops(subscriberOptions.file);

    const elapsedS = (last.lastStoredAtMs - done.firstSentAtMs) / 1000;
    const result: NaivePipelineResult = {
      hopsPerS: elapsedS > 0 ? distinct / elapsedS : 0,
      storedHops: distinct,
      sentHops: done.sent,
      lostHops: done.sent - distinct,
      duplicateHops: last.stored - distinct,
      offeredHopsPerS: o.hopsPerSecond,
      ackedHops: done.acked,
      maxBacklogS: maxBacklog / o.hopsPerSecond,
      publisherCpuSPerMillionHops: (done.cpuSeconds / Math.max(1, done.sent)) * 1e6,
      subscriberCpuSPerMillionHops: (last.cpuSeconds / Math.max(1, last.stored)) * 1e6,
      publisherPeakRssMb: done.peakRssBytes / 2 ** 20,
      subscriberPeakRssMb: last.peakRssBytes / 2 ** 20,
    };
    log(`  naive: ${Math.round(result.hopsPerS)} hops/s stored, ${result.sentHops} sent, ${result.storedHops} stored, ${result.lostHops} lost`);
    return result;
  } finally {
    await Promise.all([kill(publisher), kill(subscriber)]);
    rmSync(dir, { recursive: true, force: true });
  }
}
