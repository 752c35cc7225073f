// Schema versions, applied in order at start-up; PRAGMA user_version records the last one.
// Never edit a shipped migration: add the next one.

export const MIGRATIONS: readonly string[] = [
  // 1: batch log (dedupe and replay), journey records and contexts, open journeys, agents and
  //    their clock models, metadata.
  `
  CREATE TABLE batches (
    id INTEGER PRIMARY KEY,              -- arrival order: the replay log position
    agent_id TEXT NOT NULL,
    stream_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL,
    hops INTEGER NOT NULL,
    payload BLOB,                        -- NULL once no restart can need it
    UNIQUE (agent_id, stream_id, seq)
  );
  CREATE INDEX batches_received ON batches (received_at_ms);

  -- One row per distinct journey context; records refer to it.
  CREATE TABLE contexts (
    id INTEGER PRIMARY KEY,
    signature TEXT NOT NULL UNIQUE,
    srv TEXT,
    csp_region TEXT,
    smets_generation TEXT,
    device_type TEXT,
    device_model TEXT,
    firmware_version TEXT,
    ch_firmware_version TEXT,
    user_role TEXT
  );

  -- One row per journey. Few columns and two indexes: an insert is the collector's
  -- largest cost per journey. Figures other than rtt/dcc are rebuilt from the hops.
  CREATE TABLE journeys (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    key_hash INTEGER NOT NULL,           -- JoinKey hashes; lookups by key go through it
    kind TEXT NOT NULL,
    started_us INTEGER NOT NULL,
    ended_us INTEGER NOT NULL,
    written_at_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    code TEXT,
    reason TEXT,
    rtt_us INTEGER,
    dcc_us INTEGER,
    context_id INTEGER NOT NULL REFERENCES contexts (id),
    hops BLOB NOT NULL,
    amendments INTEGER NOT NULL
  );
  CREATE INDEX journeys_key ON journeys (key_hash);
  CREATE INDEX journeys_started ON journeys (started_us);

  CREATE TABLE open_journeys (
    key TEXT PRIMARY KEY,
    hash INTEGER NOT NULL,               -- JoinKey hashes: a restart rebuilds its filter from these
    hash2 INTEGER NOT NULL,
    deadline_ms INTEGER NOT NULL,
    state TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX open_journeys_deadline ON open_journeys (deadline_ms);

  CREATE TABLE agents (
    agent_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE agent_clocks (
    agent_id TEXT PRIMARY KEY,
    model TEXT NOT NULL,                 -- ClockModelState as JSON
    updated_at_ms INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `,
  // 2: the metric engine's rollups and the operations log it reports on (collector/metrics).
  `
  -- What a record is reported under: its SRV (or alert code), context, party and sequence tag.
  CREATE TABLE metric_groups (
    id INTEGER PRIMARY KEY,
    signature TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL, srv TEXT NOT NULL, region TEXT NOT NULL, smets TEXT NOT NULL,
    device_type TEXT NOT NULL, device_model TEXT NOT NULL, firmware_version TEXT NOT NULL,
    ch_firmware_version TEXT NOT NULL, user_role TEXT NOT NULL, party TEXT NOT NULL, tag TEXT NOT NULL
  );
  CREATE TABLE metric_reasons (id INTEGER PRIMARY KEY, reason TEXT NOT NULL UNIQUE);

  -- Each tick's record facts (+1 added, -1 retracted by an amendment), written in the tick's
  -- transaction and folded into metric_rollups in batches.
  CREATE TABLE metric_deltas (id INTEGER PRIMARY KEY, records INTEGER NOT NULL, data BLOB NOT NULL);

  -- Per period and SRV: part 0 holds the aggregate of all its requests, part 1 every group's
  -- (counts, sums, sketches or sorted values). Level 0: UTC hours; 1: local days, written when
  -- the day is compacted (for that SRV). day_ms is the local day an hour row belongs to.
  CREATE TABLE metric_rollups (
    level INTEGER NOT NULL,
    start_ms INTEGER NOT NULL,
    srv TEXT NOT NULL,
    part INTEGER NOT NULL,
    day_ms INTEGER NOT NULL,
    records INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (level, start_ms, srv, part)
  );

  -- Sequence rules: the SRs a device received, attribution tags, top-up attempts.
  CREATE TABLE metric_device_events (device TEXT NOT NULL, srv TEXT NOT NULL, last_us INTEGER NOT NULL, PRIMARY KEY (device, srv)) WITHOUT ROWID;
  CREATE TABLE metric_topups (device TEXT PRIMARY KEY, last_us INTEGER NOT NULL, attempt INTEGER NOT NULL, failed INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE metric_tags (key TEXT NOT NULL, started_us INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (key, started_us)) WITHOUT ROWID;

  -- Change of Supplier (6.23), with the later SR that showed a reported failure succeeded.
  CREATE TABLE metric_cos (
    key TEXT NOT NULL, started_us INTEGER NOT NULL, group_id INTEGER NOT NULL, device TEXT NOT NULL, party TEXT NOT NULL,
    success INTEGER NOT NULL, reason_id INTEGER NOT NULL, rescued_us INTEGER,
    PRIMARY KEY (key, started_us)
  ) WITHOUT ROWID;
  CREATE INDEX metric_cos_device ON metric_cos (device, party);
  CREATE INDEX metric_cos_started ON metric_cos (started_us);

  -- Availability evidence: requests and successes per region and minute, probe agents and their liveness.
  CREATE TABLE metric_activity (minute_ms INTEGER NOT NULL, region TEXT NOT NULL, requests INTEGER NOT NULL, answered INTEGER NOT NULL, PRIMARY KEY (minute_ms, region)) WITHOUT ROWID;
  CREATE TABLE metric_probes (agent_id TEXT NOT NULL, region TEXT NOT NULL, regional INTEGER NOT NULL, PRIMARY KEY (agent_id, region)) WITHOUT ROWID;
  CREATE TABLE metric_heartbeats (agent_id TEXT NOT NULL, from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL, PRIMARY KEY (agent_id, from_ms)) WITHOUT ROWID;

  -- Declared through the API: planned maintenance (excluded from availability) and incidents.
  CREATE TABLE metric_maintenance (id INTEGER PRIMARY KEY, region TEXT, from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL, description TEXT NOT NULL);
  CREATE TABLE metric_incidents (
    id INTEGER PRIMARY KEY, category INTEGER NOT NULL, region TEXT, service TEXT NOT NULL,
    started_ms INTEGER NOT NULL, resolved_ms INTEGER, description TEXT NOT NULL
  );

  CREATE TABLE metric_state (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `,
  // 3: agent credentials for the embedded broker (collector/store/sqlite/agent-credentials.ts) and
  //    the counter a running collector polls to pick up changes made by `hopwatch agents`.
  `
  CREATE TABLE agent_credentials (
    agent_id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,           -- scrypt, parameters inside: never the secret itself
    ack_key BLOB NOT NULL,               -- deriveAckKey(secret), to sign acks and time answers
    created_at_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER
  ) WITHOUT ROWID;
  CREATE TABLE agent_credential_changes (counter INTEGER NOT NULL);
  INSERT INTO agent_credential_changes (counter) VALUES (0);
  `,
  // 4: API tokens (only their SHA-256) and a change counter that running collectors poll.
  `
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,           -- SHA-256 of the token; the token itself is never stored
    scope TEXT NOT NULL,
    party TEXT,                          -- EUI-64 of a party token
    roles TEXT NOT NULL,                 -- User Role ids of a party token, comma-separated
    label TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER
  );
  CREATE TABLE api_token_changes (id INTEGER PRIMARY KEY CHECK (id = 1), counter INTEGER NOT NULL);
  INSERT INTO api_token_changes (id, counter) VALUES (1, 0);
  `,
  // 5: records keep the figures and segments the joiner computed (figures-codec.ts; rows from
  //    before are measured once by figures-backfill.ts), and a journey has one identity, its
  //    key and start: copies of one journey written before (a failed commit could cause them)
  //    are reduced to the one with the most hops, and writes upsert on the identity. The index
  //    holds the key's 53-bit hash, not its text (an insert costs less with two integers);
  //    the upsert still checks the text, so of two keys sharing a hash and a start microsecond
  //    (not expected in practice) the second never overwrites the first.
  //    It starts with key_hash, so it serves lookups by key as journeys_key did.
  `
  ALTER TABLE journeys ADD COLUMN figures BLOB;
  DELETE FROM journeys WHERE id IN (
    SELECT id FROM (
      SELECT id, ROW_NUMBER() OVER (PARTITION BY key_hash, started_us ORDER BY length(hops) DESC, amendments DESC, id) AS copy
      FROM journeys
    ) WHERE copy > 1
  );
  CREATE UNIQUE INDEX journeys_identity ON journeys (key_hash, started_us);
  DROP INDEX journeys_key;
  `,
  // 6: each party's estate (MP176 "Inventory reporting"): per party, device and local month, the
  //    device as its journeys last reported it that month (collector/store/sqlite/device-estate.ts);
  //    and the alerts and SRs the alert sequence measures follow.
  `
  CREATE TABLE metric_estate (
    party TEXT NOT NULL, device TEXT NOT NULL, month TEXT NOT NULL, seen_us INTEGER NOT NULL,
    user_role TEXT NOT NULL, smets TEXT NOT NULL, region TEXT NOT NULL,
    device_type TEXT NOT NULL, device_model TEXT NOT NULL, firmware_version TEXT NOT NULL,
    PRIMARY KEY (party, device, month)
  ) WITHOUT ROWID;
  -- Alert sequences (MP176 Alert reporting, MP122 DF2): the alerts and SRs the sequence measures
  -- follow per device (collector/store/sqlite/sequence-events.ts).
  CREATE TABLE metric_sequence_events (
    key TEXT NOT NULL, started_us INTEGER NOT NULL, device TEXT NOT NULL, party TEXT NOT NULL, code TEXT NOT NULL, success INTEGER NOT NULL,
    PRIMARY KEY (key, started_us)
  ) WITHOUT ROWID;
  CREATE INDEX metric_sequence_events_code ON metric_sequence_events (code, started_us);
  -- Failure alerts (N12, N13) and the SR each is linked to (collector/store/sqlite/failure-links.ts),
  -- with the latest SR per User and device that the linking reads.
  CREATE TABLE metric_last_requests (party TEXT NOT NULL, device TEXT NOT NULL, key TEXT NOT NULL, srv TEXT NOT NULL, started_us INTEGER NOT NULL, PRIMARY KEY (party, device)) WITHOUT ROWID;
  CREATE TABLE metric_failure_links (
    alert_key TEXT NOT NULL, alert_started_us INTEGER NOT NULL, device TEXT NOT NULL, party TEXT NOT NULL, code TEXT NOT NULL,
    request_key TEXT, request_srv TEXT, request_started_us INTEGER,
    PRIMARY KEY (alert_key, alert_started_us)
  ) WITHOUT ROWID;
  CREATE INDEX metric_failure_links_device ON metric_failure_links (device, alert_started_us);
  CREATE INDEX metric_failure_links_started ON metric_failure_links (alert_started_us);
  `,
  // 7: proactive alerting's series states and transition history, kept across restarts
  //    (collector/store/sqlite/alert-history.ts). Labels are JSON text.
  `
  CREATE TABLE alert_series (
    key TEXT PRIMARY KEY, rule TEXT NOT NULL, labels TEXT NOT NULL, state TEXT NOT NULL,
    since_ms REAL NOT NULL, starts_at_ms REAL, ends_at_ms REAL, value REAL
  ) WITHOUT ROWID;
  CREATE TABLE alert_events (
    id INTEGER PRIMARY KEY, at_ms REAL NOT NULL, rule TEXT NOT NULL, labels TEXT NOT NULL,
    from_state TEXT, to_state TEXT NOT NULL, value REAL
  );
  `,
  // 8: partition ownership (collector/store/sqlite/partition-leases.ts): one lease row per
  //    partition and one row per collector; times are milliseconds of the process's clock.
  `
  CREATE TABLE partition_leases (
    partition INTEGER PRIMARY KEY, owner TEXT, epoch INTEGER NOT NULL DEFAULT 0,
    acquired_at_ms REAL, renewed_at_ms REAL, expires_at_ms REAL
  );
  CREATE TABLE collector_members (
    id TEXT PRIMARY KEY, address TEXT NOT NULL, started_at_ms REAL NOT NULL, last_seen_ms REAL NOT NULL, lag TEXT NOT NULL DEFAULT '[]'
  );
  `,
  // 9: hops and batches received per minute (collector/store/ports/hop-minutes.ts), added by ingest per tick.
  `
  CREATE TABLE hop_minutes (minute_ms INTEGER PRIMARY KEY, batches INTEGER NOT NULL, hops INTEGER NOT NULL);
  `,
  // 10: partitions (proto/partition.ts). Each logged batch and checkpointed open journey carries
  //    its partition, so that a collector restores and replays a set of partitions; -1 marks
  //    rows from before (a version-1 batch names none; open journeys get theirs when the store
  //    learns the partition count, BatchLog.partitionCount). Each partition has its own replay
  //    position; a partition without a row replays from meta's replay_from, as before.
  `
  ALTER TABLE batches ADD COLUMN partition INTEGER NOT NULL DEFAULT -1;
  CREATE INDEX batches_partition ON batches (partition, id);
  ALTER TABLE open_journeys ADD COLUMN partition INTEGER NOT NULL DEFAULT -1;
  CREATE INDEX open_journeys_partition ON open_journeys (partition, deadline_ms);
  CREATE TABLE partition_positions (partition INTEGER PRIMARY KEY, replay_from INTEGER NOT NULL) WITHOUT ROWID;
  `,
];
