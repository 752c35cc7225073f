import { describe, expect, it } from 'vitest';
import { decideExposure, isLoopbackHost, type ExposureInput } from '../../../collector/auth/exposure.js';

const loopbackOnly: ExposureInput = {
  brokerHost: '127.0.0.1', agentCredentials: false, brokerMutualTls: false, httpHost: '127.0.0.1', apiTokens: false, insecure: false,
};

describe('exposure', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST'])('treats %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '10.0.0.5', '128.0.0.1', '::ffff:10.0.0.1', 'collector.example', '::2'])('treats %s as beyond loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('allows everything on loopback without credentials or tokens', () => {
    expect(decideExposure(loopbackOnly)).toEqual({ allowed: true, warnings: [] });
  });

  it('refuses a broker beyond loopback without agent credentials and says how to add them', () => {
    const d = decideExposure({ ...loopbackOnly, brokerHost: '0.0.0.0' });
    expect(d.allowed).toBe(false);
    const problems = d.allowed ? [] : d.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('hopwatch agents add');
    expect(problems[0]).toContain('--insecure');
  });

  it('allows a broker beyond loopback once agent credentials exist or client certificates are required', () => {
    expect(decideExposure({ ...loopbackOnly, brokerHost: '0.0.0.0', agentCredentials: true }).allowed).toBe(true);
    expect(decideExposure({ ...loopbackOnly, brokerHost: '0.0.0.0', brokerMutualTls: true }).allowed).toBe(true);
  });

  it('leaves an external broker to its own access control', () => {
    expect(decideExposure({ ...loopbackOnly, brokerHost: undefined }).allowed).toBe(true);
  });

  it('refuses an HTTP API beyond loopback without API tokens and says how to create one', () => {
    const d = decideExposure({ ...loopbackOnly, httpHost: '192.168.1.4', agentCredentials: true });
    expect(d.allowed).toBe(false);
    expect(d.allowed ? '' : d.problems.join()).toContain('hopwatch tokens create');
    expect(decideExposure({ ...loopbackOnly, httpHost: '192.168.1.4', apiTokens: true }).allowed).toBe(true);
  });

  it('lists every problem at once', () => {
    const d = decideExposure({ ...loopbackOnly, brokerHost: '0.0.0.0', httpHost: '0.0.0.0' });
    expect(d.allowed ? [] : d.problems).toHaveLength(2);
  });

  it('starts with --insecure and turns each problem into a warning', () => {
    const d = decideExposure({ ...loopbackOnly, brokerHost: '0.0.0.0', httpHost: '0.0.0.0', insecure: true });
    expect(d.allowed).toBe(true);
    expect(d.allowed ? d.warnings : []).toHaveLength(2);
  });

  it('warns about --insecure even when nothing is exposed', () => {
    const d = decideExposure({ ...loopbackOnly, insecure: true });
    expect(d.allowed ? d.warnings : []).toHaveLength(1);
  });
});
