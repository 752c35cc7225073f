// Which database the collector keeps its store in, from one setting (store.file, --store): a
// file path opens SQLite (the default), a postgres:// or postgresql:// URL opens PostgreSQL.
// Whatever the backend, the result carries the same ports.
import { HopwatchError } from '../../common/error-codes.js';
import { CollectorError } from '../errors.js';
import type { AgentCredentialStore } from './ports/agent-credentials.js';
import type { AlertHistoryStore } from './ports/alert-history.js';
import type { ApiTokenStore } from './ports/api-tokens.js';
import type { MetricPorts } from './ports/metric-ports.js';
import type { PartitionLeases } from './ports/partition-leases.js';
import { createPostgresAgentCredentials } from './postgres/agent-credentials.js';
import { createPostgresAlertHistory } from './postgres/alert-history.js';
import { createPostgresApiTokens } from './postgres/api-tokens.js';
import { createPostgresPartitionLeases } from './postgres/partition-leases.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { postgresMetricPorts } from './postgres/metric-ports.js';
import { redact } from './postgres/sync-postgres.js';
import { createSqliteAgentCredentials } from './sqlite/agent-credentials.js';
import { createSqliteAlertHistory } from './sqlite/alert-history.js';
import { createSqliteApiTokens } from './sqlite/api-tokens.js';
import { sqliteMetricPorts } from './sqlite/metric-ports.js';
import { createSqlitePartitionLeases } from './sqlite/partition-leases.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface StoreBackend {
  readonly kind: StoreKind;
  /** The file, or the URL without its password: safe to log. */
  readonly location: string;
  readonly store: Store;
  readonly credentials: AgentCredentialStore;
  readonly tokens: ApiTokenStore;
  /** Proactive alerting's states and transitions (collector/alerting). */
  readonly alertHistory: AlertHistoryStore;
  /** The metric engine's ports on the store's own connection (their writes join its transactions). */
  readonly metricPorts: () => MetricPorts;
  /** Partition ownership on the store's own connection, so that the fence (assertHeld) joins the commit's transaction. */
  readonly partitionLeases: (partitionCount: number) => PartitionLeases;
}

export interface StoreBackendOptions {
  /** SQLite file path (':memory:' too), or a postgres:// URL. */
  readonly file: string;
  /** SQLite only: see CollectorConfig.store. */
  readonly synchronous: 'full' | 'normal';
}

/** The backend a store setting names; throws HW_COLLECTOR_STORE_OPEN for a URL of any other scheme. */
export function storeKindOf(file: string): StoreKind {
  if (/^postgres(ql)?:\/\//i.test(file)) return 'postgres';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(file);
  if (scheme) throw new HopwatchError(CollectorError.HW_COLLECTOR_STORE_OPEN.code, `store ${JSON.stringify(redact(file))} is neither a file path nor a postgres:// URL (${scheme[1]}:// is not a store hopwatch can use)`);
  return 'sqlite';
}

/** A store setting safe to print or log: a URL loses its password, a file path stays as it is. */
export function storeLocation(file: string): string {
  return storeKindOf(file) === 'postgres' ? redact(file) : file;
}

export function openStoreBackend(options: StoreBackendOptions): StoreBackend {
  if (storeKindOf(options.file) === 'postgres') {
    const store = openPostgresStore({ url: options.file });
    return {
      kind: 'postgres', location: storeLocation(options.file), store,
      credentials: createPostgresAgentCredentials(store.db), tokens: createPostgresApiTokens(store.db), alertHistory: createPostgresAlertHistory(store.db),
      metricPorts: () => postgresMetricPorts(store.db),
      partitionLeases: (partitionCount) => createPostgresPartitionLeases(store.db, partitionCount),
    };
  }
  const store = openSqliteStore({ file: options.file, synchronous: options.synchronous });
  return {
    kind: 'sqlite', location: options.file, store,
    credentials: createSqliteAgentCredentials(store.db), tokens: createSqliteApiTokens(store.db), alertHistory: createSqliteAlertHistory(store.db),
    metricPorts: () => sqliteMetricPorts(store),
    partitionLeases: (partitionCount) => createSqlitePartitionLeases(store.db, { partitionCount }),
  };
}
