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
];
