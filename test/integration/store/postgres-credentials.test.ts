// The PostgreSQL agent credential and API token stores (migration core-2) against the shared
// suites, each test on a fresh database of a throwaway server.
import { openPostgresStore, type PostgresStore } from '../../../collector/store/postgres/postgres-store.js';
import { createPostgresAgentCredentials } from '../../../collector/store/postgres/agent-credentials.js';
import { createPostgresApiTokens } from '../../../collector/store/postgres/api-tokens.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { agentCredentialStoreSuite } from './agent-credential-store-suite.js';
import { apiTokenStoreSuite } from './api-token-store-suite.js';

const postgres = useTestPostgres();

agentCredentialStoreSuite('PostgreSQL', () => {
  const url = postgres.freshDatabase();
  const opened: PostgresStore[] = [];
  return {
    connect() {
      const store = openPostgresStore({ url });
      opened.push(store);
      return createPostgresAgentCredentials(store.db);
    },
    close: () => {
      for (const store of opened.splice(0)) store.close();
    },
  };
});

apiTokenStoreSuite('PostgreSQL', () => {
  const store = openPostgresStore({ url: postgres.freshDatabase() });
  return { tokens: createPostgresApiTokens(store.db), close: () => store.close() };
});
