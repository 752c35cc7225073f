// The metric engine's tables on PostgreSQL (collector/store/postgres/metric-*.ts), as named
// migrations applied in order by the store's migration runner. They mirror the SQLite ones
// (collector/store/migrations.ts, version 2) with PostgreSQL's types:
// - times are double precision where they may have a fraction: microseconds taken from a
//   record's start (a clock-mapped start has one, collector/clock/clock-model.ts) and the
//   collector's own wall-clock milliseconds (heartbeats, maintenance, incidents); rollup
//   periods and minutes, whole by construction, are bigint;
// - flags SQLite keeps as 0/1 are boolean; blobs are bytea;
// - group and reason ids are given by the insert as max + 1, not by a sequence: a sequence
//   leaves a gap after a rollback, and the group registry needs ids 1..n without gaps.
// Never edit a shipped migration: add the next one.

export interface NamedMigration {
  readonly name: string;
  readonly sql: string;
}

export const METRIC_MIGRATIONS: readonly NamedMigration[] = [
  {
    name: 'metrics-1',
    sql: `
    -- What a record is reported under: its SRV (or alert code), context, party and sequence tag.
    CREATE TABLE metric_groups (
      id bigint PRIMARY KEY,
      signature text NOT NULL UNIQUE,
      kind text NOT NULL, srv text NOT NULL, region text NOT NULL, smets text NOT NULL,
      device_type text NOT NULL, device_model text NOT NULL, firmware_version text NOT NULL,
      ch_firmware_version text NOT NULL, user_role text NOT NULL, party text NOT NULL, tag text NOT NULL
    );
    CREATE TABLE metric_reasons (id bigint PRIMARY KEY, reason text NOT NULL UNIQUE);

    -- Each tick's record facts, written in the tick's transaction and folded into metric_rollups in batches.
    CREATE TABLE metric_deltas (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, records bigint NOT NULL, data bytea NOT NULL);

    -- Per period and SRV: part 0 the aggregate of all its requests, part 1 every group's.
    -- Level 0: UTC hours; 1: local days. day_ms is the local day an hour row belongs to.
    CREATE TABLE metric_rollups (
      level smallint NOT NULL,
      start_ms bigint NOT NULL,
      srv text NOT NULL,
      part smallint NOT NULL,
      day_ms bigint NOT NULL,
      records bigint NOT NULL,
      data bytea NOT NULL,
      PRIMARY KEY (level, start_ms, srv, part)
    );

    -- Sequence rules: the SRs a device received, attribution tags, top-up attempts.
    CREATE TABLE metric_device_events (device text NOT NULL, srv text NOT NULL, last_us double precision NOT NULL, PRIMARY KEY (device, srv));
    CREATE TABLE metric_topups (device text PRIMARY KEY, last_us double precision NOT NULL, attempt integer NOT NULL, failed boolean NOT NULL);
    CREATE TABLE metric_tags (key text NOT NULL, started_us double precision NOT NULL, tag text NOT NULL, PRIMARY KEY (key, started_us));

    -- Change of Supplier (6.23), with the later SR that showed a reported failure succeeded.
    CREATE TABLE metric_cos (
      key text NOT NULL, started_us double precision NOT NULL, group_id bigint NOT NULL, device text NOT NULL, party text NOT NULL,
      success boolean NOT NULL, reason_id bigint NOT NULL, rescued_us double precision,
      PRIMARY KEY (key, started_us)
    );
    CREATE INDEX metric_cos_device ON metric_cos (device, party);
    CREATE INDEX metric_cos_started ON metric_cos (started_us);

    -- Availability evidence: requests and successes per region and minute, probe agents and their liveness.
    CREATE TABLE metric_activity (minute_ms bigint NOT NULL, region text NOT NULL, requests bigint NOT NULL, answered bigint NOT NULL, PRIMARY KEY (minute_ms, region));
    CREATE TABLE metric_probes (agent_id text NOT NULL, region text NOT NULL, regional boolean NOT NULL, PRIMARY KEY (agent_id, region));
    CREATE TABLE metric_heartbeats (agent_id text NOT NULL, from_ms double precision NOT NULL, to_ms double precision NOT NULL, PRIMARY KEY (agent_id, from_ms));

    -- Declared through the API: planned maintenance (excluded from availability) and incidents.
    CREATE TABLE metric_maintenance (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, region text, from_ms double precision NOT NULL, to_ms double precision NOT NULL, description text NOT NULL
    );
    CREATE TABLE metric_incidents (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, category integer NOT NULL, region text, service text NOT NULL,
      started_ms double precision NOT NULL, resolved_ms double precision, description text NOT NULL
    );

    CREATE TABLE metric_state (name text PRIMARY KEY, value text NOT NULL);
    `,
  },
  {
    name: 'metrics-2',
    sql: `
    -- A party's estate (MP176 Inventory reporting): each device its journeys reached, per local month.
    CREATE TABLE metric_estate (
      party text NOT NULL, device text NOT NULL, month text NOT NULL, seen_us double precision NOT NULL,
      user_role text NOT NULL, smets text NOT NULL, region text NOT NULL,
      device_type text NOT NULL, device_model text NOT NULL, firmware_version text NOT NULL,
      PRIMARY KEY (party, device, month)
    );
    -- Alert sequences (MP176 Alert reporting, MP122 DF2): the alerts and SRs they follow per device.
    CREATE TABLE metric_sequence_events (
      key text NOT NULL, started_us double precision NOT NULL, device text NOT NULL, party text NOT NULL, code text NOT NULL, success boolean NOT NULL,
      PRIMARY KEY (key, started_us)
    );
    CREATE INDEX metric_sequence_events_code ON metric_sequence_events (code, started_us);
    -- Failure alerts (N12, N13) and the SR each is linked to, with the latest SR per User and device.
    CREATE TABLE metric_last_requests (party text NOT NULL, device text NOT NULL, key text NOT NULL, srv text NOT NULL, started_us double precision NOT NULL, PRIMARY KEY (party, device));
    CREATE TABLE metric_failure_links (
      alert_key text NOT NULL, alert_started_us double precision NOT NULL, device text NOT NULL, party text NOT NULL, code text NOT NULL,
      request_key text, request_srv text, request_started_us double precision,
      PRIMARY KEY (alert_key, alert_started_us)
    );
    CREATE INDEX metric_failure_links_device ON metric_failure_links (device, alert_started_us);
    CREATE INDEX metric_failure_links_started ON metric_failure_links (alert_started_us);
    `,
  },
];
