// Sends alert notifications to one webhook in a payload Alertmanager-compatible receivers
// accept. Never blocks the caller: notify() only queues. One sender drains the queue in
// batches; a failed POST is retried with exponential backoff and jitter up to maxAttempts,
// then dropped and counted. The queue is bounded: when full, the oldest notification is
// dropped and counted. Timers are unref'd; close() stops the sender once.
import { createHash } from 'node:crypto';
import type { Logger } from '../../common/logger.js';
import type { WebhookConfig } from './alerting-config.js';

export interface Notification {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAtMs: number;
  /** When it resolved; null while firing. */
  readonly endsAtMs: number | null;
}

export interface NotifierCounters {
  readonly queued: number;
  readonly sent: number;
  /** Notifications given up on after maxAttempts, or refused by the receiver (a 4xx other than 429). */
  readonly failed: number;
  readonly dropped: number;
  readonly retries: number;
}

export interface WebhookNotifier {
  notify(n: Notification): void;
  readonly counters: NotifierCounters;
  close(): void;
}

type Outcome = 'success' | 'retryable' | 'failure';

/** The most notifications one POST carries. */
const MAX_BATCH = 64;
/** Alertmanager's webhook message leaves endsAt at Go's zero time while an alert fires. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

const iso = (ms: number) => new Date(ms).toISOString();
const fingerprint = (labels: Readonly<Record<string, string>>) =>
  createHash('sha256').update(Object.keys(labels).sort().map((k) => `${k}\u0000${labels[k]}`).join('\u0000')).digest('hex').slice(0, 16);

/** Alertmanager's webhook message (version 4): what receivers written for Alertmanager's webhook_config read. */
export function webhookMessage(batch: readonly Notification[]): object {
  const common = (pick: (n: Notification) => Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(pick(batch[0]!)).filter(([k, v]) => batch.every((n) => pick(n)[k] === v)));
  const commonLabels = common((n) => n.labels);
  return {
    version: '4', groupKey: `{}:${JSON.stringify(commonLabels)}`, truncatedAlerts: 0,
    status: batch.some((n) => n.status === 'firing') ? 'firing' : 'resolved', receiver: 'hopwatch',
    groupLabels: {}, commonLabels, commonAnnotations: common((n) => n.annotations), externalURL: '',
    alerts: batch.map((n) => ({
      status: n.status, labels: n.labels, annotations: n.annotations, startsAt: iso(n.startsAtMs),
      endsAt: n.endsAtMs === null ? ZERO_TIME : iso(n.endsAtMs), generatorURL: '', fingerprint: fingerprint(n.labels),
    })),
  };
}

/** The alert array Alertmanager's POST /api/v2/alerts takes: an alert without endsAt is firing. */
export function alertmanagerAlerts(batch: readonly Notification[]): object[] {
  return batch.map((n) => ({
    labels: n.labels, annotations: n.annotations, startsAt: iso(n.startsAtMs), ...(n.endsAtMs !== null ? { endsAt: iso(n.endsAtMs) } : {}), generatorURL: '',
  }));
}

export function createWebhookNotifier(config: WebhookConfig, logger: Logger, random: () => number = Math.random): WebhookNotifier {
  const log = logger.child({ component: 'alert-webhook' });
  const queue: Notification[] = [];
  const counters = { sent: 0, failed: 0, dropped: 0, retries: 0 };
  let sending = false;
  let closed = false;
  let sleeping: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  const inFlight = new AbortController();

  const post = async (batch: readonly Notification[]): Promise<Outcome> => {
    const body = JSON.stringify(config.payload === 'alertmanager' ? alertmanagerAlerts(batch) : webhookMessage(batch));
    try {
      const res = await fetch(config.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body,
        signal: AbortSignal.any([inFlight.signal, AbortSignal.timeout(config.timeoutMs)]),
      });
      await res.arrayBuffer();
      if (res.ok) return 'success';
      return res.status === 429 || res.status >= 500 ? 'retryable' : 'failure';
    } catch {
      return 'retryable';
    }
  };

  const sleep = (ms: number) => new Promise<void>((wake) => {
    const timer = setTimeout(() => {
      sleeping = undefined;
      wake();
    }, ms);
    timer.unref();
    sleeping = { timer, wake };
  });

  const backoffMs = (attempt: number) => Math.min(config.maxBackoffMs, config.initialBackoffMs * 2 ** (attempt - 1)) * (0.5 + random() / 2);

  const deliver = async (batch: readonly Notification[]) => {
    for (let attempt = 1; !closed; attempt++) {
      const outcome = await post(batch);
      if (outcome === 'success') {
        counters.sent += batch.length;
        return;
      }
      if (outcome === 'failure' || attempt >= config.maxAttempts) {
        counters.failed += batch.length;
        log.warn({ code: 'HW_COLLECTOR_ALERT_WEBHOOK', url: config.url, notifications: batch.length, attempts: attempt, outcome }, 'alert notifications not delivered');
        return;
      }
      counters.retries++;
      await sleep(backoffMs(attempt));
    }
  };

  const drain = async () => {
    if (sending) return;
    sending = true;
    while (!closed && queue.length > 0) await deliver(queue.splice(0, MAX_BATCH));
    sending = false;
  };

  return {
    notify(n) {
      if (closed || config.url === '') return;
      if (queue.length >= config.maxQueued) {
        queue.shift();
        counters.dropped++;
      }
      queue.push(n);
      void drain();
    },
    counters: {
      get queued() {
        return queue.length;
      },
      get sent() {
        return counters.sent;
      },
      get failed() {
        return counters.failed;
      },
      get dropped() {
        return counters.dropped;
      },
      get retries() {
        return counters.retries;
      },
    },
    close() {
      if (closed) return;
      closed = true;
      inFlight.abort();
      if (sleeping) {
        clearTimeout(sleeping.timer);
        sleeping.wake();
      }
    },
  };
}
