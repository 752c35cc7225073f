// The alerting part of the collector configuration (`alerting` in collector/config.ts): the
// rules, how often they are checked, and the webhook that hears about them. A rule's kind says
// what it watches; the fields it needs are required by the schema (if/then per kind).
import { CSP_REGIONS } from '../../proto/hop-context.js';

export const RULE_KINDS = ['threshold', 'region-down', 'agent-offline', 'agent-buffer', 'clock-uncertainty', 'installs-deviation'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** What a threshold rule reads off an RSVP row (collector/metrics/rsvp.ts). */
export const THRESHOLD_METRICS = ['successRatePct', 'withinTrtPct', 'p95RttUs', 'p95DccUs'] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];

export interface AlertRuleConfig {
  /** Unique; becomes the alert's `alertname` label. */
  readonly name: string;
  readonly kind: RuleKind;
  /** The condition must hold this long (pending) before the rule fires. */
  readonly forSeconds?: number;
  readonly severity?: string;
  readonly summary?: string;
  /** threshold: what to compare; fires when it is `above` or `below` `value`. */
  readonly metric?: ThresholdMetric;
  readonly op?: 'above' | 'below';
  /** The limit: the metric (threshold), batches (agent-buffer), µs (clock-uncertainty), % (installs-deviation). */
  readonly value?: number;
  /** threshold and region-down: how far back to look (threshold rounds out to whole hours: rollups are hourly). */
  readonly windowMinutes?: number;
  /** threshold: fewer requests in the window than this decide nothing. */
  readonly minVolume?: number;
  /** threshold: one series per value of this dimension (none: one series over everything the filters keep). */
  readonly by?: 'srv' | 'process' | 'region';
  readonly srv?: readonly string[];
  readonly process?: readonly string[];
  /** threshold and region-down: only these CSP regions. */
  readonly region?: readonly string[];
  /** agent-offline: an agent whose last status is older than this is offline too. */
  readonly silenceSeconds?: number;
  /** agent-offline, agent-buffer, clock-uncertainty: only these agents. */
  readonly agents?: readonly string[];
}

export interface WebhookConfig {
  /** '' = no webhook (states and history are still kept). */
  readonly url: string;
  /** webhook: Alertmanager's webhook message ({ version: "4", alerts: [...] }); alertmanager: the alert array Alertmanager's POST /api/v2/alerts takes. */
  readonly payload: 'webhook' | 'alertmanager';
  readonly timeoutMs: number;
  /** Notifications waiting at most; when full the oldest is dropped and counted. */
  readonly maxQueued: number;
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** A firing alert is sent again this often (Alertmanager resolves an alert it stops hearing about). */
  readonly repeatIntervalSeconds: number;
}

export interface AlertingConfig {
  readonly evaluateIntervalMs: number;
  /** State changes kept for GET /api/v1/alerting/events (the oldest goes first). */
  readonly historyLimit: number;
  /** Series (a rule and its labels) tracked at most; more are not tracked and are counted. */
  readonly maxSeries: number;
  readonly webhook: WebhookConfig;
  readonly rules: readonly AlertRuleConfig[];
}

export const alertingDefaults: AlertingConfig = {
  evaluateIntervalMs: 5000,
  historyLimit: 1000,
  maxSeries: 10_000,
  webhook: { url: '', payload: 'webhook', timeoutMs: 5000, maxQueued: 1000, maxAttempts: 5, initialBackoffMs: 500, maxBackoffMs: 30_000, repeatIntervalSeconds: 60 },
  rules: [],
};

const int = (minimum: number, maximum = Number.MAX_SAFE_INTEGER) => ({ type: 'integer', minimum, maximum });
const names = (pattern?: string) => ({ type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 64, ...(pattern ? { pattern } : {}) } });
// Ajv's strict mode wants every required property declared beside `required`; the real schema of each is in `properties` below.
const needs = (kind: RuleKind, required: string[]) => ({
  if: { properties: { kind: { const: kind } }, required: ['kind'] },
  then: { properties: Object.fromEntries(required.map((k) => [k, true])), required },
});

const ruleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$' },
    kind: { enum: [...RULE_KINDS] },
    forSeconds: int(0, 86_400),
    severity: { type: 'string', minLength: 1, maxLength: 32 },
    summary: { type: 'string', maxLength: 500 },
    metric: { enum: [...THRESHOLD_METRICS] },
    op: { enum: ['above', 'below'] },
    value: { type: 'number' },
    windowMinutes: int(1, 31 * 24 * 60),
    minVolume: int(1),
    by: { enum: ['srv', 'process', 'region'] },
    srv: names(),
    process: names(),
    region: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...CSP_REGIONS] } },
    silenceSeconds: int(1),
    agents: names(),
  },
  allOf: [
    needs('threshold', ['metric', 'op', 'value', 'windowMinutes']),
    needs('region-down', ['windowMinutes']),
    needs('agent-buffer', ['value']),
    needs('clock-uncertainty', ['value']),
    needs('installs-deviation', ['value']),
  ],
};

export const alertingSchema = {
  type: 'object',
  additionalProperties: false,
  required: Object.keys(alertingDefaults),
  properties: {
    evaluateIntervalMs: int(100, 3_600_000),
    historyLimit: int(1, 1_000_000),
    maxSeries: int(1, 1_000_000),
    webhook: {
      type: 'object', additionalProperties: false, required: Object.keys(alertingDefaults.webhook),
      properties: {
        url: { type: 'string', pattern: '^(https?://.+)?$' }, payload: { enum: ['webhook', 'alertmanager'] }, timeoutMs: int(100, 120_000),
        maxQueued: int(1, 1_000_000), maxAttempts: int(1, 100), initialBackoffMs: int(1, 600_000), maxBackoffMs: int(1, 3_600_000), repeatIntervalSeconds: int(1, 86_400),
      },
    },
    rules: { type: 'array', maxItems: 1000, items: ruleSchema },
  },
} as const;
