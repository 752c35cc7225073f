// `hopwatch tokens` as a user runs it (the built CLI, a child process) beside a running
// collector on the same database: the token printed last works at once, `list` never shows
// it, `revoke` takes it away, and bad requests fail with HW_COLLECTOR_TOKENS.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../collector/collector.js';
import { packageFile } from '../../common/paths.js';
import { collectorDb, waitForStatus } from '../helpers/api-tokens.js';
import { startTestCollector } from '../helpers/system.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);
const CLI = packageFile('dist', 'bin', 'hopwatch.js');

async function hopwatch(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

describe('hopwatch tokens', () => {
  const dir = tempDir();
  let c: Collector;
  let db: string;
  beforeAll(async () => {
    c = await startTestCollector(dir.path);
    db = collectorDb(dir.path);
  });
  afterAll(async () => {
    await c.close();
    dir.cleanup();
  });

  it('creates a party token that a running collector accepts within a second, and revokes it', async () => {
    const created = await hopwatch(['tokens', 'create', '--scope', 'party', '--party', '90b3d51f30010000', '--role', 'IS', '--role', 'GS', '--label', 'Supplier A', '--store', db]);
    expect(created.code, created.stderr).toBe(0);
    const token = lastLine(created.stdout);
    expect(token).toMatch(/^hwt_[A-Za-z0-9_-]{43}$/);
    await waitForStatus(c, '/api/v1/journeys', undefined, (s) => s === 401);
    expect((await c.http.inject({ url: '/api/v1/journeys', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    expect((await c.http.inject({ url: '/api/v1/clocks', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(403);

    const list = await hopwatch(['tokens', 'list', '--store', db]);
    expect(list.code).toBe(0);
    const [header, row] = list.stdout.split('\n');
    expect(header).toBe('id\tscope\tparty\troles\tlabel\tcreated\trevoked');
    const [id, scope, party, roles, label, createdAt, revokedAt] = row!.split('\t');
    expect([scope, party, roles, label, revokedAt]).toEqual(['party', '90-B3-D5-1F-30-01-00-00', 'IS,GS', 'Supplier A', '']);
    expect(Date.parse(createdAt!)).toBeGreaterThan(0);
    expect(list.stdout).not.toContain(token.slice(4));

    const revoked = await hopwatch(['tokens', 'revoke', id!, '--store', db]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked token ${id}\n` });
    await waitForStatus(c, '/api/v1/journeys', token, (s) => s === 401, 3000);
    // Its last token revoked, the collector refuses everyone rather than opening up again.
    expect((await c.http.inject({ url: '/api/v1/journeys' })).statusCode).toBe(401);
    expect((await hopwatch(['tokens', 'list', '--store', db])).stdout.split('\n')[1]!.split('\t')[6]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  }, 120_000);

  it('takes roles as a comma list, and prints a metrics token for Prometheus', async () => {
    const party = await hopwatch(['tokens', 'create', '--scope', 'party', '--party', '90-B3-D5-1F-30-02-00-00', '--role', 'IS,ED', '--store', db]);
    expect(party.stdout).toContain('for party 90-B3-D5-1F-30-02-00-00 (IS, ED)');
    const metrics = await hopwatch(['tokens', 'create', '--scope', 'metrics', '--label', 'prometheus', '--store', db]);
    const token = lastLine(metrics.stdout);
    await waitForStatus(c, '/metrics', token, (s) => s === 200, 3000);
  }, 120_000);

  it('refuses bad requests with HW_COLLECTOR_TOKENS and a reason, creating no database', async () => {
    const fresh = join(dir.path, 'never.db');
    const cases: [string[], RegExp][] = [
      [['tokens', 'create', '--scope', 'viewer', '--party', '90-B3-D5-1F-30-01-00-00', '--store', fresh], /--party and --role are for party tokens, not viewer/],
      [['tokens', 'create', '--scope', 'party', '--party', '90-B3-D5-1F-30-01-00-00', '--role', 'XX', '--store', fresh], /--role "XX" is not a User Role/],
      [['tokens', 'create', '--scope', 'party', '--role', 'IS', '--store', fresh], /a party token needs --party <EUI-64>/],
      [['tokens', 'list', '--store', fresh], /no database at/],
      [['tokens', 'revoke', 'nope', '--store', db], /no unrevoked token with id "nope"/],
    ];
    for (const [args, reason] of cases) {
      const r = await hopwatch(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^HW_COLLECTOR_TOKENS: /);
      expect(r.stderr).toMatch(reason);
    }
    expect(existsSync(fresh)).toBe(false);
  }, 120_000);
});
