// One setting picks the store: a file path opens SQLite, a postgres:// URL opens PostgreSQL,
// anything else is refused; agents and tokens commands reach the same store through it.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentsCommand } from '../../../collector/agents-command.js';
import { tokensCommand } from '../../../collector/auth/tokens-command.js';
import { openStoreBackend, storeKindOf } from '../../../collector/store/open-backend.js';
import { HopwatchError } from '../../../common/error-codes.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';

const postgres = useTestPostgres();
const dir = tempDir();
afterAll(() => dir.cleanup());
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'none';
  } catch (err) {
    return err instanceof HopwatchError ? err.code : String(err);
  }
};

describe('choosing the store backend', () => {
  it('reads a path as SQLite and a postgres:// or postgresql:// URL as PostgreSQL, and refuses other URLs', () => {
    expect(storeKindOf('data/hopwatch.db')).toBe('sqlite');
    expect(storeKindOf(':memory:')).toBe('sqlite');
    expect(storeKindOf('postgres://hopwatch@db:5432/hopwatch')).toBe('postgres');
    expect(storeKindOf('POSTGRESQL://hopwatch@db/hopwatch')).toBe('postgres');
    expect(codeOf(() => storeKindOf('mysql://root:secret@db/hopwatch'))).toBe('HW_COLLECTOR_STORE_OPEN');
    expect(() => storeKindOf('mysql://root:secret@db/hopwatch')).toThrow(/root:\*\*\*@db/);
  });

  it('opens a SQLite file with its credentials, tokens and metric ports', () => {
    const backend = openStoreBackend({ file: join(dir.path, 'collector.db'), synchronous: 'normal' });
    try {
      expect(backend.kind).toBe('sqlite');
      expect(backend.credentials.changeCounter()).toBe(0);
      expect(backend.tokens.list()).toEqual([]);
      expect(backend.metricPorts().readonly).toBe(false);
    } finally {
      backend.store.close();
    }
  });

  it('opens PostgreSQL with its credentials, tokens and metric ports on one connection, and logs the URL without its password', () => {
    const url = postgres.freshDatabase().replace('hopwatch@', 'hopwatch:secret@');
    const backend = openStoreBackend({ file: url, synchronous: 'full' });
    try {
      expect(backend.kind).toBe('postgres');
      expect(backend.location).toBe(url.replace(':secret@', ':***@'));
      expect(backend.credentials.changeCounter()).toBe(0);
      expect(backend.tokens.list()).toEqual([]);
      const ports = backend.metricPorts();
      expect(ports.readonly).toBe(false);
      // The metric tables are there, and a metric write rolls back with the store's transaction.
      expect(() => backend.store.transaction(() => {
        ports.rollups.appendFacts(1, new Uint8Array([1]));
        throw new Error('rolled back');
      })).toThrow('rolled back');
      expect(ports.rollups.pendingFactCount()).toBe(0);
    } finally {
      backend.store.close();
    }
  });

  it('refuses a PostgreSQL server that cannot be reached with HW_COLLECTOR_STORE_OPEN', () => {
    expect(codeOf(() => openStoreBackend({ file: 'postgres://hopwatch@127.0.0.1:1/hopwatch', synchronous: 'full' }))).toBe('HW_COLLECTOR_STORE_OPEN');
  });

  it('lets hopwatch agents and hopwatch tokens work on a PostgreSQL store given by --store', async () => {
    const url = postgres.freshDatabase();
    const err: string[] = [];
    let out = '';
    const io = { out: (t: string) => void (out += t), err: (t: string) => void err.push(t), nowMs: () => Date.parse('2026-11-28T10:00:00Z') };
    await agentsCommand(['add', 'rig-1', '--store', url], io);
    await agentsCommand(['list', '--store', url], io);
    expect(out).toMatch(/^rig-1\s+2026-11-28T10:00:00.000Z\s+-$/m);
    await tokensCommand(['create', '--scope', 'viewer', '--label', 'ops', '--store', url], (t) => void (out += t));
    out = '';
    await tokensCommand(['list', '--store', url], (t) => void (out += t));
    expect(out.split('\n')[1]?.split('\t').slice(1, 5)).toEqual(['viewer', '', '', 'ops']);
    const backend = openStoreBackend({ file: url, synchronous: 'full' });
    try {
      expect(backend.credentials.get('rig-1')?.agentId).toBe('rig-1');
      expect(backend.tokens.active()).toHaveLength(1);
    } finally {
      backend.store.close();
    }
  });
});
