// The PostgreSQL PartitionLeases (migration partition-leases-1) against the shared suite: each
// member on its own connection to a fresh database of a throwaway server.
import { createPostgresPartitionLeases } from '../../../collector/store/postgres/partition-leases.js';
import { openPostgresStore } from '../../../collector/store/postgres/postgres-store.js';
import type { SyncPostgres } from '../../../collector/store/postgres/sync-postgres.js';
import type { PartitionLeases } from '../../../collector/store/ports/partition-leases.js';
import { useTestPostgres } from '../../helpers/postgres.js';
import { partitionLeasesSuite } from './partition-leases-suite.js';

const postgres = useTestPostgres();

partitionLeasesSuite('PostgreSQL', () => {
  const url = postgres.freshDatabase();
  const connections = new Map<PartitionLeases, SyncPostgres>();
  const opened: { close(): void }[] = [];
  return {
    connect(partitionCount) {
      const store = openPostgresStore({ url });
      opened.push(store);
      const leases = createPostgresPartitionLeases(store.db, partitionCount);
      connections.set(leases, store.db);
      return leases;
    },
    transaction: (leases, fn) => connections.get(leases)!.transaction(fn),
    close: () => {
      for (const store of opened.splice(0)) store.close();
    },
  };
});
