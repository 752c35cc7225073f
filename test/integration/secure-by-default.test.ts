// The collector refuses to listen beyond loopback without access control, unless --insecure.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../collector/collector.js';
import { HopwatchError } from '../../common/error-codes.js';
import { seedAgents } from '../helpers/agent-credentials.js';
import { testCollectorConfig } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('secure by default', () => {
  let dir: ReturnType<typeof tempDir>;
  let collector: Collector | undefined;

  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    dir.cleanup();
  });

  const failure = (p: Promise<Collector>) => p.then((c) => { collector = c; return 'started'; }, (err: unknown) => (err instanceof HopwatchError ? `${err.code}: ${err.message}` : String(err)));

  it('refuses to start a broker on every interface with no agent credentials, and says what to do', async () => {
    const message = await failure(startCollector(testCollectorConfig(dir.path, { broker: { host: '0.0.0.0' } })));
    expect(message).toMatch(/^HW_COLLECTOR_CONFIG: refusing to start: the embedded broker would listen on 0\.0\.0\.0/);
    expect(message).toContain('hopwatch agents add');
    expect(message).toContain('--insecure');
  });

  it('refuses an HTTP API on every interface with no API tokens', async () => {
    expect(await failure(startCollector(testCollectorConfig(dir.path, { http: { host: '0.0.0.0' } })))).toMatch(/hopwatch tokens create/);
  });

  it('counts agent credentials in the file: with them only the HTTP API is refused', async () => {
    await seedAgents(dir.path, ['rig-1']);
    // The HTTP API is refused, so nothing binds beyond loopback.
    const message = await failure(startCollector(testCollectorConfig(dir.path, { broker: { host: '0.0.0.0' }, http: { host: '0.0.0.0' } })));
    expect(message).toContain('the HTTP API would listen on 0.0.0.0');
    expect(message).not.toContain('embedded broker');
  });

  it('warns at every start with --insecure', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const logger = pino({ level: 'warn' }, sink);
    const config = testCollectorConfig(dir.path, { insecure: true });
    expect(await failure(startCollector(config, { logger }))).toBe('started');
    expect(lines.some((l) => l.includes('--insecure is set'))).toBe(true);
  });
});
