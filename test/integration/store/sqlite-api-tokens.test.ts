// The SQLite ApiTokenStore (migration 3 of the collector's database) against the shared suite.
import { join } from 'node:path';
import { createSqliteApiTokens } from '../../../collector/store/sqlite/api-tokens.js';
import { openSqliteStore } from '../../../collector/store/sqlite-store.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { apiTokenStoreSuite } from './api-token-store-suite.js';

apiTokenStoreSuite('SQLite', () => {
  const dir = tempDir();
  const store = openSqliteStore({ file: join(dir.path, 'collector.db'), synchronous: 'normal' });
  return {
    tokens: createSqliteApiTokens(store.db),
    close: () => {
      store.close();
      dir.cleanup();
    },
  };
});
