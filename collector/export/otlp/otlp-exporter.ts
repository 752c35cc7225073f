// Exports committed journey records to an OTLP/HTTP endpoint, off the ingest path.
//
// - A record reaches the queue only after its transaction commits (RecordSink.committed), so
//   a rolled-back tick is never exported; an amendment is exported again with the same ids.
// - The queue holds at most `maxQueueSize` records. When it is full a new record is dropped and
//   counted (`dropped`): a slow or absent backend never holds memory or the ingest tick.
// - One request is in flight at a time: `maxBatchSize` records, sent as soon as that many wait,
//   else every `flushIntervalMs`. A retryable outcome is retried with backoff and jitter
//   (retrying-send.ts); a batch given up on is counted as `failed`.
// - Records are encoded when their batch is sent, not when they commit; a journey that appears
//   twice in one batch (amended while it waited) is sent once, as last written.
// - close() runs once: it stops retrying, then tries what is queued once.
import type { Logger } from '../../../common/logger.js';
import { CollectorError } from '../../errors.js';
import type { JourneyRecord } from '../../join/journey-record.js';
import type { RecordSink } from '../../join/record-sink.js';
import type { Transport } from './http-transport.js';
import { defaultRetryPolicy, sendWithRetry, type RetryPolicy } from './retrying-send.js';
import { encodeJourneys } from './span-encoder.js';
import { journeySeed } from './trace-ids.js';

export interface OtlpExporterOptions {
  readonly transport: Transport;
  readonly maxQueueSize: number;
  readonly maxBatchSize: number;
  readonly flushIntervalMs: number;
  readonly serviceName: string;
  readonly retry?: RetryPolicy;
  readonly logger: Logger;
  readonly random?: () => number;
}

/** Counted in journeys (one trace each). */
export interface OtlpExportCounters {
  readonly exported: number;
  readonly dropped: number;
  readonly failed: number;
  /** Requests sent again after a retryable outcome. */
  readonly retries: number;
  /** Journeys waiting in the queue (bound: maxQueueSize). */
  readonly queued: number;
}

export interface OtlpExporter {
  readonly sink: RecordSink;
  readonly counters: OtlpExportCounters;
  close(): Promise<void>;
}

/** The last version of each journey in `records`, in the order of their last versions. */
function latestVersions(records: JourneyRecord[]): JourneyRecord[] {
  const last = new Map<string, JourneyRecord>();
  for (const r of records) {
    const seed = journeySeed(r);
    last.delete(seed);
    last.set(seed, r);
  }
  return last.size === records.length ? records : [...last.values()];
}

export function createOtlpExporter(options: OtlpExporterOptions): OtlpExporter {
  const log = options.logger.child({ component: 'otlp-export' });
  const retry = options.retry ?? defaultRetryPolicy;
  const random = options.random ?? Math.random;
  const counts = { exported: 0, dropped: 0, failed: 0, retries: 0 };
  let pending: JourneyRecord[] = [];
  let queue: JourneyRecord[] = [];
  let sending: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closing = false;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(() => { wake = undefined; resolve(); }, ms);
    t.unref();
    wake = () => { clearTimeout(t); wake = undefined; resolve(); };
  });

  async function sendBatch(taken: JourneyRecord[]): Promise<void> {
    // A journey amended while it waited goes once, as it is now; its earlier versions share the outcome.
    const batch = latestVersions(taken);
    const body = encodeJourneys(batch, options.serviceName);
    const outcome = await sendWithRetry(options.transport, body, closing ? { ...retry, maxAttempts: 1 } : retry, {
      random, sleep, giveUp: () => closing,
      onRetry: (attempt, reason, delayMs) => {
        counts.retries++;
        log.debug({ attempt, reason, delayMs: Math.round(delayMs), journeys: taken.length }, 'OTLP export retried');
      },
    });
    if (outcome.status === 'success') counts.exported += taken.length;
    else {
      counts.failed += taken.length;
      log.warn({ code: CollectorError.HW_COLLECTOR_OTLP_EXPORT.code, reason: outcome.reason, journeys: taken.length }, 'OTLP export failed');
    }
  }

  /** Sends batches while any wait and nothing is in flight; at most one request at a time. */
  function pump(): void {
    if (sending || queue.length === 0) return;
    const batch = queue.slice(0, options.maxBatchSize);
    queue = queue.slice(batch.length);
    sending = sendBatch(batch).finally(() => {
      sending = undefined;
      if (!closing && queue.length >= options.maxBatchSize) pump();
    });
  }

  function schedule(): void {
    if (queue.length >= options.maxBatchSize) pump();
    else if (!timer && queue.length > 0) {
      timer = setTimeout(() => { timer = undefined; pump(); }, options.flushIntervalMs);
      timer.unref();
    }
  }

  let closed: Promise<void> | undefined;
  return {
    sink: {
      onRecords(writes) {
        for (const w of writes) pending.push(w.record);
      },
      committed() {
        if (closing) counts.dropped += pending.length;
        else {
          for (const r of pending) {
            if (queue.length < options.maxQueueSize) queue.push(r);
            else counts.dropped++;
          }
          schedule();
        }
        pending = [];
      },
      rolledBack() {
        pending = [];
      },
    },
    counters: {
      get exported() { return counts.exported; },
      get dropped() { return counts.dropped; },
      get failed() { return counts.failed; },
      get retries() { return counts.retries; },
      get queued() { return queue.length; },
    },
    close() {
      closed ??= (async () => {
        closing = true;
        clearTimeout(timer);
        wake?.();
        await sending;
        // What is left gets one attempt per batch; the first that fails ends the flush.
        while (queue.length > 0) {
          const before = counts.failed;
          pump();
          await sending;
          if (counts.failed > before) {
            counts.failed += queue.length;
            queue = [];
          }
        }
        options.transport.close();
      })();
      return closed;
    },
  };
}
