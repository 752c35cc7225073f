// Change of Supplier success (MP122 CoS1): the share of 6.23 SRs that succeeded, where a 6.23
// whose response reported a failure still counts as a success when the gaining supplier (its
// originator) later sends SRs to the same device that succeed, within the rescue window.
// A later SR counts when its record is written after the 6.23's (the supplier's orchestration
// waits for the 6.23 response before it goes on).
import type Database from 'better-sqlite3';
import { parseEui64 } from '../../proto/correlation-key.js';
import type { JoinKey } from '../join/join-key.js';
import type { JourneyRecord } from '../join/journey-record.js';
import { deviceOf, partyOf } from './record-facts.js';

/** MP122 CoS1: SRV 6.23 Update Security Credentials (CoS). */
export const COS_SRV = '6.23';

export interface CosTracker {
  /** Called for every request record added, in write order. */
  add(r: JourneyRecord, groupId: number, reasonId: number, key: JoinKey): void;
  /** An amendment replaces the record: its row goes, unless the start is unchanged (then add() updates it in place). */
  retract(previous: JourneyRecord, next: JourneyRecord): void;
  /** After a rolled-back transaction. */
  reload(): void;
}

export function createCosTracker(db: Database.Database, rescueWindowMs: number): CosTracker {
  const windowUs = rescueWindowMs * 1000;
  const s = {
    upsert: db.prepare(`INSERT INTO metric_cos (key, started_us, group_id, device, party, success, reason_id, rescued_us) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
      ON CONFLICT (key, started_us) DO UPDATE SET group_id = excluded.group_id, success = excluded.success, reason_id = excluded.reason_id`),
    drop: db.prepare('DELETE FROM metric_cos WHERE key = ? AND started_us = ?'),
    rescue: db.prepare(`UPDATE metric_cos SET rescued_us = ? WHERE device = ? AND party = ? AND success = 0 AND rescued_us IS NULL
      AND started_us < ? AND started_us >= ?`),
    pending: db.prepare('SELECT device, max(started_us) AS last FROM metric_cos WHERE success = 0 AND rescued_us IS NULL GROUP BY device'),
  };
  // Devices with a failed 6.23 not yet rescued, by the low half of their EUI-64, and the latest
  // such start: a superset (entries leave when their window has passed; two devices may share
  // an entry), so a record to any other device costs one lookup in memory and no formatting.
  const pending = new Map<number, number>();
  let latestUs = 0;
  let prunedAtUs = 0;
  const reload = () => {
    pending.clear();
    for (const row of s.pending.all() as { device: string; last: number }[]) {
      const lo = parseEui64(row.device)?.lo;
      if (lo !== undefined) pending.set(lo, Math.max(pending.get(lo) ?? 0, row.last));
    }
  };
  reload();

  const forget = () => {
    for (const [device, last] of pending) if (last < latestUs - windowUs) pending.delete(device);
  };

  return {
    add(r, groupId, reasonId, key) {
      latestUs = Math.max(latestUs, r.startedUs);
      if (latestUs - prunedAtUs > windowUs) {
        forget();
        prunedAtUs = latestUs;
      }
      if (r.srv === COS_SRV) {
        s.upsert.run(r.key, r.startedUs, groupId, deviceOf(r.kind, key), partyOf(r.kind, key), r.outcome === 'success' ? 1 : 0, reasonId);
        if (r.outcome === 'failure') pending.set(key.targetLo, Math.max(pending.get(key.targetLo) ?? 0, r.startedUs));
        return;
      }
      const last = pending.get(key.targetLo);
      if (r.outcome !== 'success' || last === undefined || last >= r.startedUs) return;
      s.rescue.run(r.startedUs, deviceOf(r.kind, key), partyOf(r.kind, key), r.startedUs, r.startedUs - windowUs);
    },
    retract(previous, next) {
      if (previous.srv === COS_SRV && (next.srv !== COS_SRV || previous.startedUs !== next.startedUs)) s.drop.run(previous.key, previous.startedUs);
    },
    reload,
  };
}
