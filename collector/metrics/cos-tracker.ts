// Change of Supplier success (MP122 CoS1): the share of 6.23 SRs that succeeded, where a 6.23
// whose response reported a failure still counts as a success when the gaining supplier (its
// originator) later sends SRs to the same device that succeed, within the rescue window.
// A later SR counts when its record is written after the 6.23's (the supplier's orchestration
// waits for the 6.23 response before it goes on).
import { parseEui64 } from '../../proto/correlation-key.js';
import type { JoinKey } from '../join/join-key.js';
import type { JourneyRecord } from '../join/journey-record.js';
import type { CosStore } from '../store/ports/cos-state.js';
import { deviceOf, partyOf } from './record-facts.js';
import type { TransactionFollower } from '../join/record-sink.js';
import { createUndoJournal } from './undo-journal.js';

/** MP122 CoS1: SRV 6.23 Update Security Credentials (CoS). */
export const COS_SRV = '6.23';

export interface CosTracker extends TransactionFollower {
  /** Called for every request record added, in write order. */
  add(r: JourneyRecord, groupId: number, reasonId: number, key: JoinKey): void;
  /** An amendment replaces the record: its row goes, unless the start is unchanged (then add() updates it in place). */
  retract(previous: JourneyRecord, next: JourneyRecord): void;
  /** After a rolled-back transaction. */
  reload(): void;
}

export function createCosTracker(store: CosStore, rescueWindowMs: number): CosTracker {
  const windowUs = rescueWindowMs * 1000;
  // Devices with a failed 6.23 not yet rescued, by the low half of their EUI-64, and the latest
  // such start: a superset (entries leave when their window has passed; two devices may share
  // an entry), so a record to any other device costs one lookup in memory and no formatting.
  const pending = new Map<number, number>();
  let latestUs = 0;
  let prunedAtUs = 0;
  // The two marks as of the last commit (they move on every record: restored, not journaled).
  let committedLatestUs = 0;
  let committedPrunedAtUs = 0;
  const journal = createUndoJournal();
  const reload = () => {
    journal.commit();
    pending.clear();
    for (const row of store.unrescuedFailures()) {
      const lo = parseEui64(row.device)?.lo;
      if (lo !== undefined) pending.set(lo, Math.max(pending.get(lo) ?? 0, row.lastUs));
    }
  };
  reload();

  /** Sets a device's latest failed start, journaling the value it replaces. */
  const setPending = (lo: number, lastUs: number | undefined) => {
    const previous = pending.get(lo);
    if (lastUs === undefined) pending.delete(lo);
    else pending.set(lo, lastUs);
    journal.add(() => (previous === undefined ? pending.delete(lo) : pending.set(lo, previous)));
  };
  const forget = () => {
    for (const [device, last] of pending) if (last < latestUs - windowUs) setPending(device, undefined);
  };

  return {
    add(r, groupId, reasonId, key) {
      latestUs = Math.max(latestUs, r.startedUs);
      if (latestUs - prunedAtUs > windowUs) {
        forget();
        prunedAtUs = latestUs;
      }
      if (r.srv === COS_SRV) {
        store.saveRequest({ key: r.key, startedUs: r.startedUs, groupId, device: deviceOf(r.kind, key), party: partyOf(r.kind, key), success: r.outcome === 'success', reasonId });
        if (r.outcome === 'failure') setPending(key.targetLo, Math.max(pending.get(key.targetLo) ?? 0, r.startedUs));
        return;
      }
      const last = pending.get(key.targetLo);
      if (r.outcome !== 'success' || last === undefined || last >= r.startedUs) return;
      store.rescue(deviceOf(r.kind, key), partyOf(r.kind, key), r.startedUs, r.startedUs - windowUs, r.startedUs);
    },
    retract(previous, next) {
      if (previous.srv === COS_SRV && (next.srv !== COS_SRV || previous.startedUs !== next.startedUs)) store.dropRequest(previous.key, previous.startedUs);
    },
    reload,
    committed() {
      journal.commit();
      committedLatestUs = latestUs;
      committedPrunedAtUs = prunedAtUs;
    },
    rolledBack() {
      journal.rollBack();
      latestUs = committedLatestUs;
      prunedAtUs = committedPrunedAtUs;
    },
  };
}
