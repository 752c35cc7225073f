import { describe, expect, it } from 'vitest';
import { HopwatchError } from '../../../common/error-codes.js';
import { openSyncPostgres, PostgresError, redact, type SyncPostgres, type SyncPostgresOptions } from '../../../collector/store/postgres/sync-postgres.js';
import { useTestPostgres } from '../../helpers/postgres.js';

const pg = useTestPostgres();

/** Runs `fn` on a connection to a new empty database, closed afterwards whatever happens. */
function withFreshDatabase(fn: (db: SyncPostgres) => void, options: SyncPostgresOptions = {}): void {
  const db = openSyncPostgres(pg.freshDatabase(), options);
  try {
    fn(db);
  } finally {
    db.close();
  }
}

describe('a synchronous PostgreSQL connection', () => {
  it('returns rows with int8 as numbers and bytea as bytes', () => {
    withFreshDatabase((db) => {
    db.query('CREATE TABLE t (id bigint PRIMARY KEY, payload bytea, name text)');
    db.query('INSERT INTO t VALUES ($1, $2, $3), ($4, $5, $6)', [2 ** 52 + 1, new Uint8Array([1, 2, 255]), 'a', 7, null, 'b']);
    const rows = db.query<{ id: number; payload: Uint8Array | null; name: string }>('SELECT * FROM t ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([7, 2 ** 52 + 1]);
    expect([...(rows[1]?.payload ?? [])]).toEqual([1, 2, 255]);
    expect(rows[0]?.payload).toBeNull();
    });
  });

  it('keeps nothing of a transaction that throws, and keeps what a nested one did before its own failure', () => {
    withFreshDatabase((db) => {
    db.query('CREATE TABLE t (v int UNIQUE)');
    expect(() => db.transaction(() => {
      db.query('INSERT INTO t VALUES (1)');
      throw new Error('fails');
    })).toThrow('fails');
    db.transaction(() => {
      db.query('INSERT INTO t VALUES (2)');
      expect(() => db.transaction(() => db.query('INSERT INTO t VALUES (2)'))).toThrow(PostgresError);
      db.query('INSERT INTO t VALUES (3)');
    });
    expect(db.query<{ v: number }>('SELECT v FROM t ORDER BY v').map((r) => r.v)).toEqual([2, 3]);
    expect(db.inTransaction).toBe(false);
    });
  });

  it('sends what was buffered before COMMIT and before a SAVEPOINT, in registration order, drops it on a rollback, and counts statements', () => {
    withFreshDatabase((db) => {
    db.query('CREATE TABLE t (n serial, v text)');
    // Two buffers, as two ports would keep them: each sends its values as one statement.
    const buffers = [[], []] as string[][];
    buffers.forEach((buffer) => {
      db.beforeCommit(() => {
        if (buffer.length > 0) db.query('INSERT INTO t (v) SELECT * FROM unnest($1::text[])', [buffer.splice(0)]);
      });
      db.afterTransaction(() => void buffer.splice(0));
    });
    const before = db.statements;
    db.transaction(() => {
      buffers[1]!.push('b1');
      buffers[0]!.push('a1', 'a2');
      expect(() => db.transaction(() => {
        buffers[0]!.push('lost');
        throw new Error('fails');
      })).toThrow('fails');
      buffers[1]!.push('b2');
    });
    expect(() => db.transaction(() => {
      buffers[0]!.push('lost');
      throw new Error('fails');
    })).toThrow('fails');
    // BEGIN, both buffers at the SAVEPOINT, SAVEPOINT, ROLLBACK TO, the second buffer, COMMIT; BEGIN, ROLLBACK.
    expect(db.statements - before).toBe(9);
    expect(db.query<{ v: string }>('SELECT v FROM t ORDER BY n').map((r) => r.v)).toEqual(['a1', 'a2', 'b1', 'b2']);
    });
  });

  it('rolls the transaction back when what was buffered is refused at COMMIT', () => {
    withFreshDatabase((db) => {
    db.query('CREATE TABLE t (v int PRIMARY KEY)');
    let buffered: number[] = [];
    db.beforeCommit(() => void db.query('INSERT INTO t SELECT * FROM unnest($1::int[])', [buffered]));
    db.afterTransaction(() => (buffered = []));
    expect(() => db.transaction(() => {
      db.query('INSERT INTO t VALUES (1)');
      buffered = [2, 2];
    })).toThrow(PostgresError);
    expect([db.inTransaction, buffered, db.query('SELECT v FROM t')]).toEqual([false, [], []]);
    });
  });

  it('reports the SQLSTATE of a refused statement and stays usable', () => {
    withFreshDatabase((db) => {
    db.query('CREATE TABLE t (v int PRIMARY KEY)');
    db.query('INSERT INTO t VALUES (1)');
    let caught: unknown;
    try {
      db.query('INSERT INTO t VALUES (1)');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PostgresError);
    expect((caught as PostgresError).sqlState).toBe('23505');
    expect(db.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 1 }]);
    });
  });

  it('runs a text of several statements in one call', () => {
    withFreshDatabase((db) => {
    db.query('CREATE TABLE a (v int); CREATE TABLE b (v int); INSERT INTO b VALUES (5)');
    expect(db.query('SELECT v FROM b')).toEqual([{ v: 5 }]);
    });
  });

  it('refuses a server that does not answer with HW_COLLECTOR_STORE_OPEN and no password in the message', () => {
    const url = `postgres://hopwatch:secret@127.0.0.1:${pg.server.port}/no_such_db`;
    let caught: unknown;
    try {
      openSyncPostgres(url).close();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(HopwatchError);
    expect((caught as HopwatchError).code).toBe('HW_COLLECTOR_STORE_OPEN');
    expect((caught as Error).message).toContain('no_such_db');
    expect((caught as Error).message).not.toContain('secret');
    expect(redact(url)).toBe(`postgres://hopwatch:***@127.0.0.1:${pg.server.port}/no_such_db`);
  });
});

describe('a synchronous PostgreSQL connection whose server restarts', () => {
  it('fails the transaction the restart cut, then connects again by itself', () => {
    withFreshDatabase((db) => {
    db.query('CREATE TABLE t (v int)');
    expect(() => db.transaction(() => {
      db.query('INSERT INTO t VALUES (1)');
      pg.server.pause();
      pg.server.resume();
      db.query('INSERT INTO t VALUES (2)');
    })).toThrow(PostgresError);
    db.transaction(() => db.query('INSERT INTO t VALUES (3)'));
    expect(db.query('SELECT v FROM t ORDER BY v')).toEqual([{ v: 3 }]);
    });
  });

  it('never commits on a new connection what the lost one held: the commit fails', () => {
    withFreshDatabase((db) => {
    db.query('CREATE TABLE t (v int)');
    expect(() => db.transaction(() => {
      db.query('INSERT INTO t VALUES (1)');
      pg.server.pause();
      pg.server.resume();
    })).toThrow(PostgresError);
    expect(db.query('SELECT v FROM t')).toEqual([]);
    });
  });
});

describe('a synchronous PostgreSQL connection whose statement outlasts the timeout', () => {
  // Long enough that no other statement comes near it on a busy machine; the sleeping server
  // session is ended afterwards so that it holds nothing.
  const timeout = { statementTimeoutMs: 3000 };
  const endSession = (db: SyncPostgres, pid: number) => db.query('SELECT pg_terminate_backend($1)', [pid]);

  it('fails that statement, then runs the next one on a new connection', () => {
    withFreshDatabase((db) => {
    const [before] = db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(() => db.query('SELECT pg_sleep(60)')).toThrow(/did not answer within 3000 ms/);
    const [after] = db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(after!.pid).not.toBe(before!.pid);
    endSession(db, before!.pid);
    }, timeout);
  });

  it('fails the rest of the transaction it cut, and commits none of it', () => {
    withFreshDatabase((db) => {
    db.query('CREATE TABLE t (v int)');
    const [before] = db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(() => db.transaction(() => {
      db.query('INSERT INTO t VALUES (1)');
      try {
        db.query('SELECT pg_sleep(60)');
      } catch {
        // the transaction goes on, as a port that swallowed the error would
      }
      db.query('INSERT INTO t VALUES (2)');
    })).toThrow(/lost during the transaction/);
    endSession(db, before!.pid);
    expect(db.query('SELECT v FROM t')).toEqual([]);
    }, timeout);
  });
});
