// Schema versions, applied in order at start-up; PRAGMA user_version records the last one.
// Never edit a shipped migration: add the next one.

export const MIGRATIONS: readonly string[] = [
  // 1: batch log (dedupe and replay), journey records, open journeys, agents, metadata.
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

  CREATE TABLE journeys (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    gen INTEGER NOT NULL,                -- > 0 when a counter was used again after its window
    kind TEXT NOT NULL,
    srv TEXT,
    started_us INTEGER NOT NULL,
    ended_us INTEGER NOT NULL,
    written_at_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    code TEXT,
    reason TEXT,
    rtt_us INTEGER,
    dcc_us INTEGER,
    han_us INTEGER,
    ack_us INTEGER,
    csp_round_trip_us INTEGER,
    ch_residence_us INTEGER,
    alert_delivery_us INTEGER,
    cross_agent INTEGER NOT NULL,        -- bit i set: figure i (FIGURE_NAMES) spans two agents
    csp_region TEXT,
    smets_generation TEXT,
    device_type TEXT,
    device_model TEXT,
    firmware_version TEXT,
    ch_firmware_version TEXT,
    user_role TEXT,
    hops BLOB NOT NULL,
    amendments INTEGER NOT NULL,
    UNIQUE (key, gen)
  );
  CREATE INDEX journeys_started ON journeys (started_us);
  CREATE INDEX journeys_srv_started ON journeys (srv, started_us);

  CREATE TABLE open_journeys (
    key TEXT PRIMARY KEY,
    deadline_ms INTEGER NOT NULL,
    state TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE agents (
    agent_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `,
];
