// Alerting end to end on loopback: a real collector evaluating its rules on its own timer,
// a webhook receiver over real HTTP. A simulated regional outage (requests still sent, none
// answered) fires the region-down rule within its window and resolves it after; a webhook
// that hangs does not hold up ingest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyKey } from '../../../agent/journey-key.js';
import { waitFor } from '../../../common/wait-for.js';
import type { Collector } from '../../../collector/collector.js';
import type { JourneyRecord } from '../../../collector/join/journey-record.js';
import { HopPoint } from '../../../proto/hop-point.js';
import { keyText } from '../../helpers/batches.js';
import { startTestAgent, startTestCollector, writeThroughIngest } from '../../helpers/system.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';
import { request, writeOf } from '../../unit/metrics/harness.js';

const MIN = 60_000;
const T = (hhmm: string) => Date.parse(`2026-11-10T${hhmm}:00Z`);

describe('a regional outage on the alerting timer', () => {
  const dir = tempDir();
  let c: Collector;
  let receiver: WebhookReceiver;
  let now = T('08:50');
  let written = T('08:50');

  /** The NORTH probe's heartbeat every 10 s, 5 requests a minute, unanswered from 09:20 to 09:30. */
  const simulateUntil = (untilMs: number) => {
    for (; written < untilMs; written += 10_000) {
      const t = written;
      const outage = t >= T('09:20') && t < T('09:30');
      const records: JourneyRecord[] = t % MIN === 0
        ? [0, 1, 2, 3, 4].map((i) => request({ at: new Date(t + i * 1000).toISOString(), srv: '4.1.1', ...(outage ? { unanswered: true } : {}) }, c.catalogue))
        : [];
      c.store.upsertAgentStatus('csp-1', { state: 'online' }, t);
      const writes = records.map((r) => writeOf(r));
      writeThroughIngest(c, writes, t);
    }
  };
  /** Moves the collector's clock and waits for its own timer to evaluate the rules twice. */
  const advanceTo = async (ms: number) => {
    simulateUntil(ms);
    now = ms;
    const seen = c.alerting.counters.evaluations;
    await waitFor(() => c.alerting.counters.evaluations >= seen + 2, 5000, 'two evaluations');
  };
  const rule = async () => (await c.http.inject({ method: 'GET', url: '/api/v1/alerting/rules' })).json().rules[0];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    c = await startTestCollector(dir.path, {
      ingest: { tickIntervalMs: 10_000 },
      alerting: {
        evaluateIntervalMs: 100,
        webhook: { url: receiver.url },
        rules: [{ name: 'north-down', kind: 'region-down', region: ['NORTH'], windowMinutes: 5, severity: 'critical', summary: 'no answers from NORTH while requests are sent' }],
      },
    }, () => now);
  });
  afterAll(async () => {
    await c.close();
    await receiver.close();
    dir.cleanup();
  });

  it('stays quiet while the region answers', async () => {
    await advanceTo(T('09:15'));
    expect(await rule()).toMatchObject({ state: 'inactive', series: [] });
    expect(receiver.bodies).toEqual([]);
  });

  it('fires within its window once the region stops answering, and notifies the webhook', async () => {
    await advanceTo(T('09:25'));
    expect(await rule()).toMatchObject({ state: 'firing', series: [{ labels: { region: 'NORTH' }, state: 'firing', startsAt: '2026-11-10T09:25:00.000Z', value: 5 }] });
    await waitFor(() => receiver.bodies.length === 1, 5000, 'firing notification');
    expect(receiver.bodies[0]).toMatchObject({
      status: 'firing',
      alerts: [{ status: 'firing', labels: { alertname: 'north-down', severity: 'critical', region: 'NORTH' }, startsAt: '2026-11-10T09:25:00.000Z', endsAt: '0001-01-01T00:00:00Z' }],
    });
  });

  it('keeps firing while down minutes remain in the window, repeating its notification, and resolves after', async () => {
    await advanceTo(T('09:33'));
    expect((await rule()).state).toBe('firing');
    await waitFor(() => receiver.bodies.length === 2, 5000, 'repeated firing notification');
    expect(receiver.bodies[1]).toMatchObject({ status: 'firing', alerts: [{ startsAt: '2026-11-10T09:25:00.000Z' }] });
    await advanceTo(T('09:40'));
    expect((await rule()).series[0]).toMatchObject({ state: 'resolved', endsAt: '2026-11-10T09:40:00.000Z' });
    await waitFor(() => receiver.bodies.length === 3, 5000, 'resolved notification');
    expect(receiver.bodies[2]).toMatchObject({ status: 'resolved', alerts: [{ status: 'resolved', startsAt: '2026-11-10T09:25:00.000Z', endsAt: '2026-11-10T09:40:00.000Z' }] });
  });

  it('keeps the history of the changes and counts them for Prometheus', async () => {
    const events = (await c.http.inject({ method: 'GET', url: '/api/v1/alerting/events' })).json().events;
    expect(events.map((e: { from: string | null; to: string; at: string }) => [e.from, e.to, e.at])).toEqual([
      ['firing', 'resolved', '2026-11-10T09:40:00.000Z'], ['pending', 'firing', '2026-11-10T09:25:00.000Z'], [null, 'pending', '2026-11-10T09:25:00.000Z'],
    ]);
    const metrics = (await c.http.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^hopwatch_alerts_firing 0$/m);
    expect(metrics).toMatch(/^hopwatch_alert_notifications_sent_total 3$/m);
  });
});

describe('a webhook that hangs', () => {
  const dir = tempDir();
  let c: Collector;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    receiver.mode = 'hang';
    c = await startTestCollector(dir.path, {
      alerting: {
        evaluateIntervalMs: 100,
        webhook: { url: receiver.url, timeoutMs: 60_000 },
        rules: [{ name: 'any-request', kind: 'threshold', metric: 'successRatePct', op: 'below', value: 101, windowMinutes: 60 }],
      },
    });
  });
  afterAll(async () => {
    await c.close();
    await receiver.close();
    dir.cleanup();
  });

  it('does not hold up ingest: journeys stamped by real agents are stored while its POST waits', async () => {
    const gw = startTestAgent(dir.path, 'gw', c.brokerUrl);
    const t0 = Date.now() * 1000;
    gw.record(journeyKey(keyText(1)), HopPoint.UG_IN, t0, { srv: '4.1.1' });
    gw.record(journeyKey(keyText(1)), HopPoint.UG_OUT, t0 + 2_000_000, { code: 'I0' });
    await waitFor(() => receiver.bodies.length === 1, 10_000, 'a firing notification in flight');
    for (let j = 2; j <= 40; j++) {
      gw.record(journeyKey(keyText(j)), HopPoint.UG_IN, t0 + j * 1000, { srv: '4.1.1' });
      gw.record(journeyKey(keyText(j)), HopPoint.UG_OUT, t0 + j * 1000 + 2_000_000, { code: 'I0' });
    }
    await waitFor(() => c.store.listJourneys({ limit: 100 }).length === 40, 10_000, '40 records stored');
    expect(receiver.bodies).toHaveLength(1);
    expect(c.alerting.counters.notifications.sent).toBe(0);
    expect((await c.http.inject({ method: 'GET', url: '/api/v1/alerting/rules' })).json().firing).toBe(1);
    await gw.close();
  });
});
