// API tokens for integration tests: issued into a collector's database through a connection
// of their own, the way `hopwatch tokens create` does, then waited for (the collector polls
// the token table every second).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Collector } from '../../collector/collector.js';
import { checkTokenRequest, issueApiToken, type TokenRequest } from '../../collector/auth/token-issuer.js';
import { loadCatalogue } from '../../collector/catalogue/catalogue.js';
import { createSqliteApiTokens } from '../../collector/store/sqlite/api-tokens.js';

/** The database file of a collector started by startTestCollector(dir). */
export const collectorDb = (dir: string) => join(dir, 'collector.db');

export function createToken(dbFile: string, request: Partial<TokenRequest> & { scope: string }): { id: string; token: string } {
  const db = new Database(dbFile);
  try {
    const roles = loadCatalogue().data.userRoles.map((r) => r.id);
    const { record, token } = issueApiToken(createSqliteApiTokens(db), checkTokenRequest({ roles: [], label: 'test', ...request }, roles), Date.now());
    return { id: record.id, token };
  } finally {
    db.close();
  }
}

/** Resolves with the status once the collector answers `url` (with `token`) as `until` wants; rejects after `ms`. */
export async function waitForStatus(c: Collector, url: string, token: string | undefined, until: (status: number) => boolean, ms = 5000): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await c.http.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (until(res.statusCode)) return res.statusCode;
    if (Date.now() > deadline) throw new Error(`${url} still answers ${res.statusCode} after ${ms} ms`);
    // Every refused try counts against http.authFailuresPerMinute: try a few times a second only.
    await new Promise((r) => setTimeout(r, 250));
  }
}
