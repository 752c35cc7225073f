// The OTLP export's part of the collector configuration (`export.otlp` in collector/config.ts):
// defaults and strict schema.

export interface OtlpExportConfig {
  /** '' = no export. The OTLP/HTTP traces URL; a URL without a path gets /v1/traces. */
  readonly endpoint: string;
  /** Sent with every request (an API key or tenant header the backend asks for). */
  readonly headers: Readonly<Record<string, string>>;
  /** Journeys waiting to be sent at most; beyond it new ones are dropped and counted. */
  readonly maxQueueSize: number;
  /** Journeys per request at most. */
  readonly maxBatchSize: number;
  /** A batch smaller than maxBatchSize waits this long for more. */
  readonly flushIntervalMs: number;
  /** One request's time limit (then it is retried). */
  readonly timeoutMs: number;
  /** The resource's service.name. */
  readonly serviceName: string;
}

export const otlpExportDefaults: OtlpExportConfig = {
  endpoint: '',
  headers: {},
  maxQueueSize: 2048,
  maxBatchSize: 256,
  flushIntervalMs: 1000,
  timeoutMs: 10_000,
  serviceName: 'hopwatch',
};

const int = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum });

export const otlpExportSchema = {
  type: 'object',
  additionalProperties: false,
  required: Object.keys(otlpExportDefaults),
  properties: {
    endpoint: { type: 'string', pattern: '^(https?://[^\\s]+)?$' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    maxQueueSize: int(1, 10_000_000),
    maxBatchSize: int(1, 100_000),
    flushIntervalMs: int(1, 600_000),
    timeoutMs: int(100, 600_000),
    serviceName: { type: 'string', minLength: 1, maxLength: 256 },
  },
} as const;

/** The URL requests go to: the endpoint as given, or with /v1/traces when it names no path. */
export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return url.toString();
}
