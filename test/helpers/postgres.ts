// One throwaway PostgreSQL server per test file (bench/throwaway-postgres.ts), and a fresh
// database per caller, so tests never see each other's rows.
import { afterAll, beforeAll } from 'vitest';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../bench/throwaway-postgres.js';

export interface TestPostgres {
  /** The URL of a new empty database. */
  freshDatabase(): string;
  readonly server: ThrowawayPostgres;
}

/** Starts the server before the file's tests and stops it after them. */
export function useTestPostgres(): TestPostgres {
  let server: ThrowawayPostgres | undefined;
  let databases = 0;
  beforeAll(async () => {
    server = await startThrowawayPostgres();
  }, 120_000);
  afterAll(() => server?.stop());
  const started = (): ThrowawayPostgres => {
    if (server === undefined) throw new Error('the test PostgreSQL is not started yet (call freshDatabase inside a test or hook)');
    return server;
  };
  return {
    freshDatabase: () => started().createDatabase(`t${databases++}`),
    get server() {
      return started();
    },
  };
}
