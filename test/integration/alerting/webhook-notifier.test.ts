// The webhook notifier against a real HTTP receiver on loopback: Alertmanager's payloads,
// retries with backoff, and a bounded queue that drops the oldest and counts.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common/logger.js';
import { waitFor } from '../../../common/wait-for.js';
import { alertingDefaults } from '../../../collector/alerting/alerting-config.js';
import { createWebhookNotifier, type Notification, type WebhookNotifier } from '../../../collector/alerting/webhook-notifier.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';

const firing = (region: string): Notification => ({
  status: 'firing', labels: { alertname: 'region-down', severity: 'critical', region }, annotations: { summary: 'region down', value: '3' },
  startsAtMs: Date.parse('2026-11-10T09:22:00Z'), endsAtMs: null,
});

describe('webhook notifier', () => {
  let receiver: WebhookReceiver;
  let notifier: WebhookNotifier | undefined;
  afterEach(async () => {
    notifier?.close();
    await receiver.close();
  });
  const start = async (over: Partial<typeof alertingDefaults.webhook> = {}) => {
    receiver = await startWebhookReceiver();
    notifier = createWebhookNotifier({ ...alertingDefaults.webhook, url: receiver.url, initialBackoffMs: 10, maxBackoffMs: 40, ...over }, silentLogger, () => 0.5);
    return notifier;
  };

  it("posts Alertmanager's webhook message: version 4, the alerts with labels, annotations, startsAt and endsAt", async () => {
    const n = await start();
    n.notify(firing('NORTH'));
    await waitFor(() => n.counters.sent === 1, 5000, 'sent');
    expect(receiver.bodies).toEqual([{
      version: '4', groupKey: expect.any(String), truncatedAlerts: 0, status: 'firing', receiver: 'hopwatch', groupLabels: {},
      commonLabels: { alertname: 'region-down', severity: 'critical', region: 'NORTH' }, commonAnnotations: { summary: 'region down', value: '3' }, externalURL: '',
      alerts: [{
        status: 'firing', labels: { alertname: 'region-down', severity: 'critical', region: 'NORTH' }, annotations: { summary: 'region down', value: '3' },
        startsAt: '2026-11-10T09:22:00.000Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      }],
    }]);
  });

  it('posts the bare alert array of POST /api/v2/alerts when asked, endsAt only once resolved', async () => {
    const n = await start({ payload: 'alertmanager' });
    n.notify({ ...firing('SOUTH'), status: 'resolved', endsAtMs: Date.parse('2026-11-10T09:40:00Z') });
    await waitFor(() => n.counters.sent === 1, 5000, 'sent');
    expect(receiver.bodies).toEqual([[{
      labels: { alertname: 'region-down', severity: 'critical', region: 'SOUTH' }, annotations: { summary: 'region down', value: '3' },
      startsAt: '2026-11-10T09:22:00.000Z', endsAt: '2026-11-10T09:40:00.000Z', generatorURL: '',
    }]]);
  });

  it('retries a receiver that fails, with backoff, and delivers once it recovers', async () => {
    const n = await start();
    receiver.mode = 503;
    n.notify(firing('NORTH'));
    await waitFor(() => receiver.bodies.length >= 2, 5000, 'two attempts');
    receiver.mode = 'ok';
    await waitFor(() => n.counters.sent === 1, 5000, 'delivered');
    expect(n.counters.retries).toBeGreaterThanOrEqual(2);
    expect(n.counters.failed).toBe(0);
  });

  it('gives up after maxAttempts and counts the notifications failed; a 4xx is not retried', async () => {
    const n = await start({ maxAttempts: 3 });
    receiver.mode = 500;
    n.notify(firing('NORTH'));
    await waitFor(() => n.counters.failed === 1, 5000, 'failed');
    expect(receiver.bodies).toHaveLength(3);
    receiver.mode = 400;
    n.notify(firing('SOUTH'));
    await waitFor(() => n.counters.failed === 2, 5000, 'refused');
    expect(receiver.bodies).toHaveLength(4);
  });

  it('keeps at most maxQueued notifications while the receiver hangs, dropping the oldest and counting them', async () => {
    const n = await start({ maxQueued: 2, timeoutMs: 60_000 });
    receiver.mode = 'hang';
    n.notify(firing('NORTH'));
    await waitFor(() => receiver.bodies.length === 1, 5000, 'first POST in flight');
    for (const region of ['A', 'B', 'C', 'D']) n.notify(firing(region));
    expect(n.counters.queued).toBe(2);
    expect(n.counters.dropped).toBe(2);
  });
});
