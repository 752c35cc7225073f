// PostgreSQL implementation of CosStore: metric_cos.
// The Change of Supplier tracker saves every 6.23 and rescues on SRs inside the ingest
// transaction; one statement each would cost a round trip per record. So inside a transaction
// saves and rescues are buffered and sent just before COMMIT (SyncPostgres.beforeCommit) as two
// multi-row statements: the rescues first, then the saves. That order gives what calling them
// one by one gives as long as no buffered save precedes a rescue of the same device and party
// (a rescue may mark only a request saved before it): such a rescue sends the buffer first.
// Any other call (a drop, a read) sends the buffer first too, then runs as one statement.
// A rollback drops the buffer (afterTransaction). Outside a transaction every call is one statement.
import type { CosRequest, CosStore, StoredCosRequest } from '../ports/cos-state.js';
import type { SyncPostgres } from './sync-postgres.js';

const SAVE = `INSERT INTO metric_cos (key, started_us, group_id, device, party, success, reason_id, rescued_us)
  SELECT *, NULL FROM unnest($1::text[], $2::float8[], $3::bigint[], $4::text[], $5::text[], $6::bool[], $7::bigint[])
  ON CONFLICT (key, started_us) DO UPDATE SET group_id = excluded.group_id, success = excluded.success, reason_id = excluded.reason_id`;
// Each request takes the first rescue (in call order, `n`) that matches it, as successive UPDATEs would.
const RESCUE = `UPDATE metric_cos c SET rescued_us = f.at_us FROM (
    SELECT DISTINCT ON (m.key, m.started_us) m.key, m.started_us, r.at_us
    FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[]) WITH ORDINALITY AS r(device, party, at_us, since_us, before_us, n)
    JOIN metric_cos m ON m.device = r.device AND m.party = r.party AND NOT m.success AND m.rescued_us IS NULL
      AND m.started_us < r.before_us AND m.started_us >= r.since_us
    ORDER BY m.key, m.started_us, r.n) f
  WHERE c.key = f.key AND c.started_us = f.started_us`;

interface Rescue {
  readonly device: string;
  readonly party: string;
  readonly atUs: number;
  readonly sinceUs: number;
  readonly beforeUs: number;
}

const pairOf = (device: string, party: string) => `${device}\u0000${party}`;

function save(db: SyncPostgres, requests: readonly CosRequest[]): void {
  db.query(SAVE, [requests.map((r) => r.key), requests.map((r) => r.startedUs), requests.map((r) => r.groupId), requests.map((r) => r.device),
    requests.map((r) => r.party), requests.map((r) => r.success), requests.map((r) => r.reasonId)]);
}

function rescue(db: SyncPostgres, rescues: readonly Rescue[]): void {
  db.query(RESCUE, [rescues.map((r) => r.device), rescues.map((r) => r.party), rescues.map((r) => r.atUs), rescues.map((r) => r.sinceUs), rescues.map((r) => r.beforeUs)]);
}

export function createPostgresCosState(db: SyncPostgres): CosStore {
  // One entry per row: a request saved again keeps its device and party, as the upsert does.
  const saves = new Map<string, CosRequest>();
  const savedPairs = new Set<string>();
  const rescues: Rescue[] = [];

  const forget = () => {
    saves.clear();
    savedPairs.clear();
    rescues.length = 0;
  };
  const flush = () => {
    if (rescues.length > 0) rescue(db, rescues);
    if (saves.size > 0) save(db, [...saves.values()]);
    forget();
  };
  db.beforeCommit(flush);
  db.afterTransaction(forget);

  return {
    saveRequest(r) {
      if (!db.inTransaction) return save(db, [r]);
      const id = `${r.key}\u0000${r.startedUs}`;
      const first = saves.get(id);
      saves.set(id, first === undefined ? r : { ...first, groupId: r.groupId, success: r.success, reasonId: r.reasonId });
      savedPairs.add(pairOf(r.device, r.party));
    },
    dropRequest(key, startedUs) {
      flush();
      db.query('DELETE FROM metric_cos WHERE key = $1 AND started_us = $2', [key, startedUs]);
    },
    rescue(device, party, atUs, sinceUs, beforeUs) {
      if (!db.inTransaction) return rescue(db, [{ device, party, atUs, sinceUs, beforeUs }]);
      if (savedPairs.has(pairOf(device, party))) flush();
      rescues.push({ device, party, atUs, sinceUs, beforeUs });
    },
    unrescuedFailures() {
      flush();
      return db.query<{ device: string; lastUs: number }>('SELECT device, max(started_us) AS "lastUs" FROM metric_cos WHERE NOT success AND rescued_us IS NULL GROUP BY device');
    },
    requestsBetween(fromUs, toUs) {
      flush();
      return db.query<StoredCosRequest>(`SELECT started_us AS "startedUs", group_id AS "groupId", success, reason_id AS "reasonId", rescued_us AS "rescuedUs"
        FROM metric_cos WHERE started_us >= $1 AND started_us < $2 ORDER BY started_us, key`, [fromUs, toUs]);
    },
  };
}
