import { describe, expect, it } from 'vitest';
import { loadCollectorConfig } from '../../../collector/config.js';

describe('collector TLS configuration', () => {
  it('sets only the broker\'s TLS files from --broker-tls-* flags, leaving the HTTP API\'s empty', () => {
    const config = loadCollectorConfig(undefined, { 'broker-tls-ca': '/etc/hopwatch/ca.pem', 'broker-tls-cert': '/etc/hopwatch/broker.pem' });
    expect(config.broker.tls).toEqual({ certFile: '/etc/hopwatch/broker.pem', keyFile: '', caFile: '/etc/hopwatch/ca.pem' });
    expect(config.http.tls).toEqual({ certFile: '', keyFile: '', caFile: '' });
  });

  it('sets only the HTTP API\'s TLS files from --http-tls-* flags', () => {
    const config = loadCollectorConfig(undefined, { 'http-tls-key': '/etc/hopwatch/api.key' });
    expect(config.http.tls.keyFile).toBe('/etc/hopwatch/api.key');
    expect(config.broker.tls.keyFile).toBe('');
  });
});
