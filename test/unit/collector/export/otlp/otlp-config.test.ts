// The export.otlp options: the --otlp-endpoint flag, a bad endpoint refused with its value, and
// the traces path added to a bare URL.
import { describe, expect, it } from 'vitest';
import { loadCollectorConfig } from '../../../../../collector/config.js';
import { tracesUrl } from '../../../../../collector/export/otlp/otlp-config.js';

describe('OTLP export options', () => {
  it('is off by default and set by --otlp-endpoint', () => {
    expect(loadCollectorConfig(undefined, {}).export.otlp.endpoint).toBe('');
    expect(loadCollectorConfig(undefined, { 'otlp-endpoint': 'http://127.0.0.1:4318' }).export.otlp.endpoint).toBe('http://127.0.0.1:4318');
  });

  it('refuses an endpoint that is not an http(s) URL, quoting it', () => {
    expect(() => loadCollectorConfig(undefined, { 'otlp-endpoint': 'grpc://127.0.0.1:4317' })).toThrow(/grpc:\/\/127\.0\.0\.1:4317/);
  });

  it('adds /v1/traces to a URL without a path and keeps a given path', () => {
    expect(tracesUrl('http://127.0.0.1:4318')).toBe('http://127.0.0.1:4318/v1/traces');
    expect(tracesUrl('https://otlp.example/api/traces')).toBe('https://otlp.example/api/traces');
  });
});
