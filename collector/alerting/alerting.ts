// Proactive alerting (TOC: find problems before Users do): every evaluateIntervalMs each rule
// is observed (rule-checks.ts), its series move between pending, firing and resolved
// (alert-states.ts), and a series that starts firing, keeps firing past repeatIntervalSeconds
// or resolves is handed to the webhook (webhook-notifier.ts), which only queues. A rule whose
// query fails keeps its state and is counted. States and transitions are saved to the store
// after each evaluation, so a restart resumes them; firing series are notified again after a
// restart (when they were last sent is not kept), which receivers deduplicate.
import { HopwatchError } from '../../common/error-codes.js';
import type { Logger } from '../../common/logger.js';
import { CollectorError } from '../errors.js';
import type { AlertHistoryStore } from '../store/ports/alert-history.js';
import type { AlertingConfig, AlertRuleConfig } from './alerting-config.js';
import { createAlertStates, type AlertEvent, type Series } from './alert-states.js';
import { observe, type AlertSources } from './rule-checks.js';
import { createWebhookNotifier, type NotifierCounters, type Notification } from './webhook-notifier.js';

export interface AlertingCounters {
  readonly evaluations: number;
  readonly evaluationFailures: number;
  readonly firing: number;
  readonly untrackedSeries: number;
  readonly historySaveFailures: number;
  readonly historyDropped: number;
  readonly notifications: NotifierCounters;
}

export interface RuleView {
  readonly rule: AlertRuleConfig;
  readonly series: readonly Series[];
}

export interface Alerting {
  /** Evaluates every rule once at nowMs (the timer calls it; tests drive it). */
  evaluate(nowMs: number): void;
  rules(): RuleView[];
  events(limit: number): AlertEvent[];
  readonly counters: AlertingCounters;
  close(): void;
}

export interface AlertingOptions {
  readonly config: AlertingConfig;
  readonly sources: AlertSources;
  readonly logger: Logger;
  readonly nowMs: () => number;
  /** Where states and history outlive the process (none: memory only). */
  readonly history?: AlertHistoryStore;
}

/** Refuses two rules of one name (their series and notifications would mix); run before anything opens. */
export function checkRuleNames(rules: readonly AlertRuleConfig[]): void {
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.name)) throw new HopwatchError(CollectorError.HW_COLLECTOR_CONFIG.code, `alerting.rules: two rules are named ${JSON.stringify(r.name)}`);
    seen.add(r.name);
  }
}

export function createAlerting(o: AlertingOptions): Alerting {
  const { config } = o;
  const log = o.logger.child({ component: 'alerting' });
  const states = createAlertStates({
    historyLimit: config.historyLimit, maxSeries: config.maxSeries, rules: new Set(config.rules.map((r) => r.name)), ...(o.history ? { store: o.history } : {}),
  });
  const notifier = createWebhookNotifier(config.webhook, o.logger);
  const lastSentMs = new Map<Series, number>();
  const lastError = new Map<string, string>();
  let evaluations = 0;
  let evaluationFailures = 0;
  let historySaveFailures = 0;
  let saveFailing = false;

  const notification = (rule: AlertRuleConfig, s: Series): Notification => ({
    status: s.state === 'firing' ? 'firing' : 'resolved',
    labels: { alertname: rule.name, severity: rule.severity ?? 'warning', ...s.labels },
    annotations: {
      summary: rule.summary ?? `${rule.name} (${rule.kind})`,
      ...(s.value !== null ? { value: String(s.value) } : {}),
      ...(rule.value !== undefined ? { threshold: String(rule.value) } : {}),
    },
    startsAtMs: s.startsAtMs ?? s.sinceMs,
    endsAtMs: s.endsAtMs,
  });
  const send = (rule: AlertRuleConfig, s: Series, nowMs: number) => {
    notifier.notify(notification(rule, s));
    if (s.state === 'firing') lastSentMs.set(s, nowMs);
    else lastSentMs.delete(s);
  };

  const evaluateRule = (rule: AlertRuleConfig, nowMs: number) => {
    let observations;
    try {
      observations = observe(rule, o.sources, nowMs);
      lastError.delete(rule.name);
    } catch (err) {
      evaluationFailures++;
      const message = (err as Error).message;
      // Logged when a rule starts failing or fails differently, not at every evaluation.
      if (lastError.get(rule.name) !== message) log.warn({ code: 'HW_COLLECTOR_ALERT_RULE', rule: rule.name, err: message }, 'alert rule evaluation failed');
      lastError.set(rule.name, message);
      return;
    }
    const { fired, resolved } = states.apply(rule, observations, nowMs);
    for (const s of [...fired, ...resolved]) {
      log.info({ rule: rule.name, labels: s.labels, state: s.state, value: s.value }, s.state === 'firing' ? 'alert firing' : 'alert resolved');
      send(rule, s, nowMs);
    }
    for (const s of states.series(rule.name)) {
      if (s.state === 'firing' && nowMs - (lastSentMs.get(s) ?? 0) >= config.webhook.repeatIntervalSeconds * 1000) send(rule, s, nowMs);
    }
  };

  const save = () => {
    try {
      states.save();
      if (saveFailing) log.info('alert history saved again');
      saveFailing = false;
    } catch (err) {
      historySaveFailures++;
      // Logged when saving starts failing, not at every evaluation.
      if (!saveFailing) log.warn({ code: 'HW_COLLECTOR_ALERT_HISTORY', err: (err as Error).message }, 'alert states and history could not be saved; kept queued');
      saveFailing = true;
    }
  };

  const evaluate = (nowMs: number) => {
    evaluations++;
    for (const rule of config.rules) evaluateRule(rule, nowMs);
    save();
  };

  const timer = config.rules.length > 0 ? setInterval(() => evaluate(o.nowMs()), config.evaluateIntervalMs) : undefined;
  timer?.unref();

  return {
    evaluate,
    rules: () => config.rules.map((rule) => ({ rule, series: states.series(rule.name) })),
    events: (limit) => states.events(limit),
    counters: {
      get evaluations() {
        return evaluations;
      },
      get evaluationFailures() {
        return evaluationFailures;
      },
      get firing() {
        return states.firing;
      },
      get untrackedSeries() {
        return states.untracked;
      },
      get historySaveFailures() {
        return historySaveFailures;
      },
      get historyDropped() {
        return states.unsavedDropped;
      },
      notifications: notifier.counters,
    },
    close() {
      if (timer) clearInterval(timer);
      notifier.close();
    },
  };
}
