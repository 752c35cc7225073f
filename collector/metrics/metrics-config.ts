// The metric engine's part of the collector configuration (`metrics` in collector/config.ts):
// defaults and strict schema. Every rule parameter a paper leaves open is here, stated.
import { SRV_PATTERN } from '../../proto/hop-context.js';

export interface MetricsConfig {
  /** IANA zone of report days, months and time-of-day bands; whole-hour offsets only. */
  readonly timeZone: string;
  /** Keep every RTT and DCC time in the rollups (exact report medians); off: sketches only. */
  readonly exactValues: boolean;
  readonly foldIntervalMs: number;
  readonly foldMaxRecords: number;
  /** A local day is compacted into day rows (per SRV) this long after it ends. */
  readonly compactAfterMinutes: number;
  /** Compaction stops for the fold once it has taken this long (it runs inside an ingest tick). */
  readonly compactBudgetMs: number;
  /** A 2.2 within this long after a failed 2.2 to the same device is its next attempt (MP122 PP1). */
  readonly topUpRetryWindowHours: number;
  /** A failed 6.23 counts as a success when the gaining supplier's later SR succeeds within this (MP122 CoS1). */
  readonly cosRescueWindowDays: number;
  /** Installs predicted as the mean of the same weekday over this many previous weeks (MP122 IC1). */
  readonly installPredictionWeeks: number;
  readonly availability: {
    /** A region's minute is down when at least this many requests started in it and none succeeded. */
    readonly minRequestsPerMinute: number;
    /** Down minutes count as an outage only in runs at least this long. */
    readonly minOutageMinutes: number;
    /** A probe whose last status is older than this is silent: its region is unknown, not down. */
    readonly probeSilenceSeconds: number;
    readonly heartbeatPollSeconds: number;
  };
  /** Power outage clustering (DCC Code Performance Measure PM12; collector/metrics/power-outages.ts). */
  readonly powerOutage: {
    /** Alert codes of Power Outage Alerts: the papers name the alert but give no code, so the estate's codes go here. */
    readonly alertCodes: readonly string[];
    /** Alerts are grouped into windows this long, counted from 00:00. */
    readonly windowMinutes: number;
    /** A window with at most this many distinct Communications Hubs in a region is an isolated event; more is a wider outage. */
    readonly isolatedMaxHubs: number;
  };
  readonly peers: {
    /** Fewer other parties in the User Role than this: peers and the industry figure are withheld. */
    readonly minPeers: number;
  };
}

export const metricsDefaults: MetricsConfig = {
  timeZone: 'Europe/London',
  exactValues: true,
  foldIntervalMs: 10_000,
  foldMaxRecords: 200_000,
  compactAfterMinutes: 60,
  compactBudgetMs: 250,
  topUpRetryWindowHours: 24,
  cosRescueWindowDays: 7,
  installPredictionWeeks: 4,
  availability: { minRequestsPerMinute: 3, minOutageMinutes: 2, probeSilenceSeconds: 60, heartbeatPollSeconds: 10 },
  powerOutage: { alertCodes: [], windowMinutes: 3, isolatedMaxHubs: 50 },
  peers: { minPeers: 3 },
};

const int = (minimum: number, maximum = Number.MAX_SAFE_INTEGER) => ({ type: 'integer', minimum, maximum });

export const metricsSchema = {
  type: 'object',
  additionalProperties: false,
  required: Object.keys(metricsDefaults),
  properties: {
    timeZone: { type: 'string', minLength: 1 },
    exactValues: { type: 'boolean' },
    foldIntervalMs: int(100, 3_600_000),
    foldMaxRecords: int(1000, 10_000_000),
    compactAfterMinutes: int(0, 7 * 24 * 60),
    compactBudgetMs: int(1, 60_000),
    topUpRetryWindowHours: int(1, 24 * 31),
    cosRescueWindowDays: int(1, 90),
    installPredictionWeeks: int(1, 52),
    availability: {
      type: 'object', additionalProperties: false,
      required: Object.keys(metricsDefaults.availability),
      properties: { minRequestsPerMinute: int(1), minOutageMinutes: int(1, 1440), probeSilenceSeconds: int(1), heartbeatPollSeconds: int(1, 3600) },
    },
    powerOutage: {
      type: 'object', additionalProperties: false,
      required: Object.keys(metricsDefaults.powerOutage),
      properties: {
        alertCodes: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: SRV_PATTERN.source } },
        windowMinutes: int(1, 60), isolatedMaxHubs: int(1),
      },
    },
    peers: { type: 'object', additionalProperties: false, required: ['minPeers'], properties: { minPeers: int(1, 100) } },
  },
} as const;
