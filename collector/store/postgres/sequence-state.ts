// PostgreSQL implementation of SequenceStateStore: metric_device_events, metric_topups, metric_tags.
// The sequence rules call it once per record inside the ingest transaction; one statement each
// would make a 1,000-record tick 1,000 round trips. So inside a transaction:
// - writes are buffered (collapsed per row: the latest top-up and tag, the greatest start) and
//   sent as one multi-row statement per table just before COMMIT (SyncPostgres.beforeCommit);
// - reads answer from the buffer first, then from rows read earlier in the same transaction:
//   the engine names the tick's devices and amended records up front (prefetch, one statement
//   per table), and a read the hint missed costs one statement, as before.
// Both are dropped when the transaction ends (afterTransaction), committed or rolled back, so they
// hold one tick at most and never outlive the snapshot they were read in. The collector is the
// only writer of these tables, so rows read earlier in the transaction are still current.
// Outside a transaction every call is one statement, as before.
import type { SequenceStateStore, TopUpState } from '../ports/sequence-state.js';
import type { SyncPostgres } from './sync-postgres.js';

type Events = Map<string, number>;
interface Tag {
  readonly key: string;
  readonly startedUs: number;
  /** undefined: dropped. */
  readonly tag: string | undefined;
}

const SAVE_EVENTS = `INSERT INTO metric_device_events (device, srv, last_us) SELECT * FROM unnest($1::text[], $2::text[], $3::float8[])
  ON CONFLICT (device, srv) DO UPDATE SET last_us = greatest(metric_device_events.last_us, excluded.last_us)`;
const SAVE_TOPUPS = `INSERT INTO metric_topups (device, last_us, attempt, failed) SELECT * FROM unnest($1::text[], $2::float8[], $3::int[], $4::bool[])
  ON CONFLICT (device) DO UPDATE SET last_us = excluded.last_us, attempt = excluded.attempt, failed = excluded.failed`;
const SAVE_TAGS = `INSERT INTO metric_tags (key, started_us, tag) SELECT * FROM unnest($1::text[], $2::float8[], $3::text[])
  ON CONFLICT (key, started_us) DO UPDATE SET tag = excluded.tag`;
const DROP_TAGS = 'DELETE FROM metric_tags t USING unnest($1::text[], $2::float8[]) AS u(key, started_us) WHERE t.key = u.key AND t.started_us = u.started_us';
const EVENTS_OF = 'SELECT device, srv, last_us AS "lastUs" FROM metric_device_events WHERE device = ANY($1::text[])';
const TOPUPS_OF = 'SELECT device, last_us AS "lastUs", attempt, failed FROM metric_topups WHERE device = ANY($1::text[])';
const TAGS_OF = `SELECT t.key, t.started_us AS "startedUs", t.tag FROM metric_tags t
  JOIN unnest($1::text[], $2::float8[]) AS u(key, started_us) ON t.key = u.key AND t.started_us = u.started_us`;

const tagId = (key: string, startedUs: number) => `${key}\u0000${startedUs}`;

export function createPostgresSequenceState(db: SyncPostgres): SequenceStateStore {
  // What this transaction wrote, not yet sent.
  const noted = new Map<string, Events>();
  const savedTopUps = new Map<string, TopUpState>();
  const savedTags = new Map<string, Tag>();
  // What this transaction read (a device without rows is there, empty or undefined).
  const readEvents = new Map<string, Events>();
  const readTopUps = new Map<string, TopUpState | undefined>();
  const readTags = new Map<string, string | undefined>();

  const loadEvents = (devices: readonly string[]) => {
    for (const d of devices) readEvents.set(d, new Map());
    for (const row of db.query<{ device: string; srv: string; lastUs: number }>(EVENTS_OF, [devices])) readEvents.get(row.device)!.set(row.srv, row.lastUs);
  };
  const loadTopUps = (devices: readonly string[]) => {
    for (const d of devices) readTopUps.set(d, undefined);
    for (const { device, ...state } of db.query<TopUpState & { device: string }>(TOPUPS_OF, [devices])) readTopUps.set(device, state);
  };
  const loadTags = (records: readonly { key: string; startedUs: number }[]) => {
    for (const r of records) readTags.set(tagId(r.key, r.startedUs), undefined);
    const rows = db.query<{ key: string; startedUs: number; tag: string }>(TAGS_OF, [records.map((r) => r.key), records.map((r) => r.startedUs)]);
    for (const row of rows) readTags.set(tagId(row.key, row.startedUs), row.tag);
  };

  const flush = () => {
    if (noted.size > 0) {
      const rows = [...noted].flatMap(([device, events]) => [...events].map(([srv, lastUs]) => [device, srv, lastUs] as const));
      db.query(SAVE_EVENTS, [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])]);
    }
    if (savedTopUps.size > 0) {
      const rows = [...savedTopUps];
      db.query(SAVE_TOPUPS, [rows.map(([d]) => d), rows.map(([, t]) => t.lastUs), rows.map(([, t]) => t.attempt), rows.map(([, t]) => t.failed)]);
    }
    const tags = [...savedTags.values()];
    const dropped = tags.filter((t) => t.tag === undefined);
    if (dropped.length > 0) db.query(DROP_TAGS, [dropped.map((t) => t.key), dropped.map((t) => t.startedUs)]);
    const saved = tags.filter((t) => t.tag !== undefined);
    if (saved.length > 0) db.query(SAVE_TAGS, [saved.map((t) => t.key), saved.map((t) => t.startedUs), saved.map((t) => t.tag)]);
    forget();
  };
  const forget = () => {
    for (const m of [noted, savedTopUps, savedTags, readEvents, readTopUps, readTags]) m.clear();
  };
  db.beforeCommit(flush);
  db.afterTransaction(forget);

  return {
    deviceEvents(device) {
      if (!db.inTransaction) return db.query<{ srv: string; lastUs: number }>('SELECT srv, last_us AS "lastUs" FROM metric_device_events WHERE device = $1', [device]);
      if (!readEvents.has(device)) loadEvents([device]);
      const events = new Map(readEvents.get(device));
      for (const [srv, lastUs] of noted.get(device) ?? []) events.set(srv, Math.max(events.get(srv) ?? lastUs, lastUs));
      return [...events].map(([srv, lastUs]) => ({ srv, lastUs }));
    },
    noteDeviceEvent(device, srv, startedUs) {
      if (!db.inTransaction) return void db.query(SAVE_EVENTS, [[device], [srv], [startedUs]]);
      const events = noted.get(device) ?? noted.set(device, new Map()).get(device)!;
      events.set(srv, Math.max(events.get(srv) ?? startedUs, startedUs));
    },
    topUp(device) {
      if (!db.inTransaction) return db.query<TopUpState>('SELECT last_us AS "lastUs", attempt, failed FROM metric_topups WHERE device = $1', [device])[0];
      if (savedTopUps.has(device)) return savedTopUps.get(device);
      if (!readTopUps.has(device)) loadTopUps([device]);
      return readTopUps.get(device);
    },
    saveTopUp(device, t) {
      if (db.inTransaction) savedTopUps.set(device, { lastUs: t.lastUs, attempt: t.attempt, failed: t.failed });
      else db.query(SAVE_TOPUPS, [[device], [t.lastUs], [t.attempt], [t.failed]]);
    },
    tagOf(key, startedUs) {
      if (!db.inTransaction) return db.query<{ tag: string }>('SELECT tag FROM metric_tags WHERE key = $1 AND started_us = $2', [key, startedUs])[0]?.tag;
      const id = tagId(key, startedUs);
      if (savedTags.has(id)) return savedTags.get(id)!.tag;
      if (!readTags.has(id)) loadTags([{ key, startedUs }]);
      return readTags.get(id);
    },
    saveTag(key, startedUs, tag) {
      if (db.inTransaction) savedTags.set(tagId(key, startedUs), { key, startedUs, tag });
      else db.query(SAVE_TAGS, [[key], [startedUs], [tag]]);
    },
    dropTag(key, startedUs) {
      if (db.inTransaction) savedTags.set(tagId(key, startedUs), { key, startedUs, tag: undefined });
      else db.query(DROP_TAGS, [[key], [startedUs]]);
    },
    prefetch(devices, records) {
      if (!db.inTransaction) return;
      const unread = [...new Set(devices)].filter((d) => !readEvents.has(d));
      if (unread.length > 0) {
        loadEvents(unread);
        const topUps = unread.filter((d) => !readTopUps.has(d));
        if (topUps.length > 0) loadTopUps(topUps);
      }
      const tags = records.filter((r) => !readTags.has(tagId(r.key, r.startedUs)));
      if (tags.length > 0) loadTags(tags);
    },
  };
}
