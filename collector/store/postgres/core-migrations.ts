// The core store's tables on PostgreSQL (postgres-store.ts, agent-credentials.ts,
// api-tokens.ts): the same tables as the SQLite schema (store/migrations.ts) at its latest
// version, with journey records partitioned by UTC day of their start (journey-partitions.ts).
// Times and figures are double precision, as SQLite keeps whatever number it is given: the
// collector's clock gives fractional milliseconds, and clock mapping fractional microseconds
// (every integer below 2^53 is exact in a double).
import type { PostgresMigration } from './migrations.js';

export const CORE_MIGRATIONS: readonly PostgresMigration[] = [
  {
    name: 'core-1',
    sql: `
    CREATE TABLE batches (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- arrival order: the replay log position
      agent_id text NOT NULL,
      stream_id bigint NOT NULL,
      seq bigint NOT NULL,
      received_at_ms double precision NOT NULL,
      hops integer NOT NULL,
      payload bytea,                                       -- NULL once no restart can need it
      UNIQUE (agent_id, stream_id, seq)
    );
    CREATE INDEX batches_received ON batches (received_at_ms);

    CREATE TABLE contexts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      signature text NOT NULL UNIQUE,
      srv text, csp_region text, smets_generation text, device_type text, device_model text,
      firmware_version text, ch_firmware_version text, user_role text
    );

    -- One row per journey (key and start), in one partition per UTC day of started_us, so that
    -- dropping old records is dropping partitions. Ids come from one sequence across
    -- partitions; the identity index may be unique because it holds the partition key. No
    -- foreign key to contexts: the registry writes a context before any record naming it.
    CREATE SEQUENCE journeys_id AS bigint;
    CREATE TABLE journeys (
      id bigint NOT NULL DEFAULT nextval('journeys_id'),
      key text NOT NULL,
      key_hash bigint NOT NULL,                            -- keyHashOf(JoinKey): lookups by key
      kind text NOT NULL,
      started_us double precision NOT NULL,
      ended_us double precision NOT NULL,
      written_at_ms double precision NOT NULL,
      outcome text NOT NULL,
      code text,
      reason text,
      rtt_us double precision,
      dcc_us double precision,
      context_id bigint NOT NULL,
      hops bytea NOT NULL,
      amendments integer NOT NULL,
      figures bytea NOT NULL
    ) PARTITION BY RANGE (started_us);
    ALTER SEQUENCE journeys_id OWNED BY journeys.id;
    CREATE UNIQUE INDEX journeys_identity ON journeys (key_hash, started_us);
    CREATE INDEX journeys_started ON journeys (started_us, id);
    CREATE INDEX journeys_by_id ON journeys (id);

    CREATE TABLE open_journeys (
      key text PRIMARY KEY,
      hash bigint NOT NULL,                                -- JoinKey hashes: a restart rebuilds its filter from these
      hash2 bigint NOT NULL,
      deadline_ms double precision NOT NULL,
      state text NOT NULL                                  -- OpenJourneyState as JSON
    );
    CREATE INDEX open_journeys_deadline ON open_journeys (deadline_ms);

    CREATE TABLE agents (agent_id text PRIMARY KEY, status text NOT NULL, updated_at_ms double precision NOT NULL);
    -- JSON text, not jsonb: a model reads back exactly as saved (a -Infinity segment start is
    -- saved as null by JSON.stringify, and the clock model reads null back as -Infinity).
    CREATE TABLE agent_clocks (agent_id text PRIMARY KEY, model text NOT NULL, updated_at_ms double precision NOT NULL);
    CREATE TABLE meta (name text PRIMARY KEY, value text NOT NULL);
    `,
  },
  {
    name: 'core-2',
    sql: `
    -- Agent credentials for the embedded broker, and the counter running collectors poll.
    CREATE TABLE agent_credentials (
      agent_id text PRIMARY KEY,
      secret_hash text NOT NULL,                           -- scrypt, parameters inside: never the secret itself
      ack_key bytea NOT NULL,
      created_at_ms double precision NOT NULL,
      revoked_at_ms double precision
    );
    CREATE TABLE agent_credential_changes (id integer PRIMARY KEY CHECK (id = 1), counter bigint NOT NULL);
    INSERT INTO agent_credential_changes (id, counter) VALUES (1, 0);

    -- API tokens (only their SHA-256) and their change counter.
    CREATE TABLE api_tokens (
      id text PRIMARY KEY,
      hash bytea NOT NULL UNIQUE,
      scope text NOT NULL,
      party text,
      roles text NOT NULL,                                 -- comma-separated User Role ids
      label text NOT NULL,
      created_at_ms double precision NOT NULL,
      revoked_at_ms double precision
    );
    CREATE TABLE api_token_changes (id integer PRIMARY KEY CHECK (id = 1), counter bigint NOT NULL);
    INSERT INTO api_token_changes (id, counter) VALUES (1, 0);
    `,
  },
];
