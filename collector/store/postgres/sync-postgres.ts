// A synchronous PostgreSQL connection, so that the PostgreSQL store keeps the ports' synchronous
// contract (better-sqlite3's): a worker thread holds one `pg` client and runs each statement;
// the calling thread waits on a shared flag (Atomics.wait) and takes the answer with
// receiveMessageOnPort. A statement costs one loopback round trip plus a thread hand-over, so
// the store sends each tick as a few multi-row statements, never one per hop. A connection
// lost (server restarted, network cut) fails the statement and the transaction it was in;
// the next statement outside a transaction connects again, so a collector resumes by itself
// once the server is back, and never runs the rest of a transaction on a new connection.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { HopwatchError } from '../../../common/error-codes.js';
import { waitForFlag } from './answer-flag.js';

export interface SyncPostgresOptions {
  /** How long one statement may take before its connection is dropped (the next statement outside a transaction opens another). */
  readonly statementTimeoutMs?: number;
  /** Name shown in pg_stat_activity. */
  readonly applicationName?: string;
}

export type Row = Record<string, unknown>;

export interface SyncPostgres {
  /** Runs one statement with $1… parameters; its rows (int8 as number, bytea as Uint8Array). */
  query<R = Row>(sql: string, params?: readonly unknown[]): R[];
  /** Runs `fn` in one transaction (nested calls become savepoints): all it wrote commits, or none. */
  transaction<T>(fn: () => T): T;
  readonly inTransaction: boolean;
  /**
   * Runs `fn` before the outermost COMMIT and before each SAVEPOINT, in registration order: a
   * port that buffers its writes during a transaction sends them there (one statement per tick,
   * not one per record). A SAVEPOINT flushes first, so that a rollback to it drops only what was
   * buffered after it. A throw from `fn` rolls the transaction back.
   */
  beforeCommit(fn: () => void): void;
  /** Runs `fn` after every ROLLBACK (to a savepoint too), and after COMMIT: buffered writes and reads cached for the transaction go. */
  afterTransaction(fn: () => void): void;
  /** Statements sent so far (BEGIN and COMMIT included): what a tick costs in round trips. */
  readonly statements: number;
  close(): void;
}

/** A statement PostgreSQL refused: its message, and the SQLSTATE in `sqlState` (23505: unique violation). */
export class PostgresError extends Error {
  constructor(message: string, readonly sqlState: string | undefined) {
    super(message);
    this.name = 'PostgresError';
  }
}

type Request = { op: 'connect'; url: string; applicationName: string } | { op: 'query'; sql: string; params: readonly unknown[]; mayReconnect: boolean } | { op: 'close' };
type Answer = { ok: true; rows?: Row[] } | { ok: false; message: string; sqlState?: string };

const DEFAULT_STATEMENT_TIMEOUT_MS = 300_000;
/** A connection starts a thread and loads pg in it before it reaches the server: slow on a busy machine, whatever the statement timeout. */
const CONNECT_TIMEOUT_MS = 30_000;

interface ConnectionThread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
}

/** A worker holding one `pg` client, not yet connected. */
function startThread(): ConnectionThread {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1: port, port2: theirs } = new MessageChannel();
  const pgPath = createRequire(import.meta.url).resolve('pg');
  const worker = new Worker(`(${workerMain.toString()})();`, {
    eval: true,
    // The worker's body is a CommonJS script, even in a process started with --input-type=module.
    execArgv: process.execArgv.filter((arg) => !arg.startsWith('--input-type')),
    workerData: { pgPath, flag, port: theirs },
    transferList: [theirs],
  });
  // A store that was never closed must not keep the process alive.
  worker.unref();
  port.unref();
  return { worker, port, flag };
}

function stopThread(thread: ConnectionThread): void {
  thread.port.close();
  void thread.worker.terminate();
}

/**
 * Connects, synchronously. Throws HW_COLLECTOR_STORE_OPEN when the server cannot be reached or
 * refuses. A statement that takes longer than the timeout fails, its thread is stopped, and the
 * next statement outside a transaction starts another.
 */
export function openSyncPostgres(url: string, options: SyncPostgresOptions = {}): SyncPostgres {
  const timeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const connect: Request = { op: 'connect', url, applicationName: options.applicationName ?? 'hopwatch' };
  let thread: ConnectionThread | undefined = startThread();
  let closed = false;
  let depth = 0;
  let statements = 0;
  const flushes: (() => void)[] = [];
  const ends: (() => void)[] = [];
  const flush = () => flushes.forEach((fn) => fn());
  const end = () => ends.forEach((fn) => fn());

  const call = (t: ConnectionThread, request: Request): Answer => {
    Atomics.store(t.flag, 0, 0);
    t.port.postMessage(request);
    const waitMs = request.op === 'connect' ? Math.max(timeoutMs, CONNECT_TIMEOUT_MS) : timeoutMs;
    if (!waitForFlag(t.flag, waitMs)) {
      stopThread(t);
      thread = undefined;
      throw new HopwatchError('HW_COLLECTOR_STORE_FAILED', `PostgreSQL did not answer within ${waitMs} ms`);
    }
    return receiveMessageOnPort(t.port)!.message as Answer;
  };

  /** The thread to send a statement to, started again (and connected) if a timeout stopped it. */
  const threadFor = (mayReconnect: boolean): ConnectionThread => {
    if (closed) throw new HopwatchError('HW_COLLECTOR_STORE_FAILED', 'PostgreSQL connection is closed');
    if (thread !== undefined) return thread;
    if (!mayReconnect) throw new HopwatchError('HW_COLLECTOR_STORE_FAILED', 'the connection to PostgreSQL was lost during the transaction');
    const fresh = startThread();
    thread = fresh;
    const answer = call(fresh, connect);
    if (!answer.ok) {
      stopThread(fresh);
      thread = undefined;
      throw new HopwatchError('HW_COLLECTOR_STORE_FAILED', `cannot connect to PostgreSQL at ${redact(url)}: ${answer.message}`);
    }
    return fresh;
  };

  const connected = call(thread, connect);
  if (!connected.ok) {
    stopThread(thread);
    throw new HopwatchError('HW_COLLECTOR_STORE_OPEN', `cannot connect to PostgreSQL at ${redact(url)}: ${connected.message}`);
  }

  // Only a statement outside any transaction may run on a new connection: never the rest of a
  // transaction, nor its COMMIT (on a new connection it would commit nothing, and succeed).
  const run = <R>(sql: string, params: readonly unknown[], mayReconnect: boolean): R[] => {
    statements += 1;
    const answer = call(threadFor(mayReconnect), { op: 'query', sql, params, mayReconnect });
    if (!answer.ok) throw new PostgresError(answer.message, answer.sqlState);
    return (answer.rows ?? []) as R[];
  };
  const query = <R>(sql: string, params: readonly unknown[] = []): R[] => run<R>(sql, params, depth === 0);

  return {
    query,
    transaction<T>(fn: () => T): T {
      // Level 0 is the transaction itself; a nested call is savepoint s<level>. Buffered writes
      // go out before a savepoint (rolling back to it drops only what came after) and before COMMIT.
      const level = depth;
      if (level > 0) flush();
      query(level === 0 ? 'BEGIN' : `SAVEPOINT s${level}`);
      depth = level + 1;
      let result: T;
      try {
        result = fn();
        if (level === 0) flush();
      } catch (err) {
        depth = level;
        end();
        // On a lost connection the rollback fails too (the server already dropped the
        // transaction): the error that matters is the first one.
        try {
          if (thread !== undefined) query(level === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT s${level}`);
        } catch {
          // the first error is rethrown below
        }
        throw err;
      }
      depth = level;
      // A COMMIT that fails leaves nothing behind: the server ends the transaction either way.
      try {
        run(level === 0 ? 'COMMIT' : `RELEASE SAVEPOINT s${level}`, [], false);
      } finally {
        if (level === 0) end();
      }
      return result;
    },
    get inTransaction() {
      return depth > 0;
    },
    beforeCommit: (fn) => void flushes.push(fn),
    afterTransaction: (fn) => void ends.push(fn),
    get statements() {
      return statements;
    },
    close() {
      if (closed) return;
      closed = true;
      if (thread === undefined) return;
      try {
        call(thread, { op: 'close' });
      } finally {
        if (thread !== undefined) stopThread(thread);
        thread = undefined;
      }
    },
  };
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/**
 * The worker's body, run from its source text (so that it needs no file of its own next to the
 * compiled or the test-run module): everything it uses comes from require and workerData.
 */
function workerMain(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- runs as a CommonJS worker script
  const { workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { pgPath, flag, port } = workerData as { pgPath: string; flag: Int32Array; port: MessagePort };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved by the opener, see above
  const pg = require(pgPath) as typeof import('pg');
  // int8 as a number (every count, id and microsecond time here is below 2^53); numeric as a number.
  pg.types.setTypeParser(20, (v: string) => Number(v));
  pg.types.setTypeParser(1700, (v: string) => Number(v));
  let client: import('pg').Client | undefined;
  let lost = false;
  let target = { url: '', applicationName: '' };
  const connect = (): Promise<void> => {
    const c = new pg.Client({ connectionString: target.url, application_name: target.applicationName });
    client = c;
    lost = false;
    // A connection lost between statements fails the next statement, not the thread.
    const gone = () => {
      if (client === c) lost = true;
    };
    c.on('error', gone);
    c.on('end', gone);
    return c.connect().then(() => undefined, (err: unknown) => {
      gone();
      throw err;
    });
  };
  const answer = (message: unknown): void => {
    port.postMessage(message);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  const fail = (err: unknown): void => {
    const e = err as { message?: string; code?: string };
    answer({ ok: false, message: e.message ?? String(err), sqlState: typeof e.code === 'string' ? e.code : undefined });
  };
  const asParam = (value: unknown): unknown => (ArrayBuffer.isView(value) && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value);
  port.on('message', (request: { op: string; url?: string; applicationName?: string; sql?: string; params?: unknown[]; mayReconnect?: boolean }) => {
    if (request.op === 'connect') {
      target = { url: request.url ?? '', applicationName: request.applicationName ?? '' };
      connect().then(() => answer({ ok: true }), fail);
    } else if (request.op === 'query' && client !== undefined) {
      if (lost && request.mayReconnect !== true) {
        answer({ ok: false, message: 'the connection to PostgreSQL was lost during the transaction' });
        return;
      }
      const ready = lost ? (void client.end().catch(() => undefined), connect()) : Promise.resolve();
      // Without parameters a text of several statements (a migration) runs as one simple query.
      const params = request.params ?? [];
      ready.then(() => {
        const c = client!;
        return params.length === 0 ? c.query(request.sql ?? '') : c.query(request.sql ?? '', params.map(asParam));
      }).then((r: import('pg').QueryResult | import('pg').QueryResult[]) => {
        answer({ ok: true, rows: Array.isArray(r) ? (r.at(-1)?.rows ?? []) : r.rows });
      }, fail);
    } else if (request.op === 'close' && client !== undefined) {
      client.end().then(() => answer({ ok: true }), fail);
    } else {
      answer({ ok: false, message: `not connected (${request.op})` });
    }
  });
}
