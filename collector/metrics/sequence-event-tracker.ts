// Notes, per tick, the journeys the alert sequence measures follow (sequence-codes.ts): their
// device, party, start and outcome. Written once per tick inside its transaction; an amendment
// that moved a journey's start drops the row of the old start. Nothing outlives the tick.
import type { JoinKey } from '../join/join-key.js';
import type { JourneyRecord } from '../join/journey-record.js';
import type { TransactionFollower } from '../join/record-sink.js';
import type { SequenceEvent, SequenceEventStore } from '../store/ports/sequence-events.js';
import { deviceOf, partyOf } from './record-facts.js';

export interface SequenceEventTracker extends TransactionFollower {
  /** Called for every record written in the tick, with the version it amends, if any. */
  add(r: JourneyRecord, key: JoinKey, previous: JourneyRecord | undefined): void;
  /** Writes the tick's events; call inside the tick's transaction. */
  flush(): void;
}

export function createSequenceEventTracker(store: SequenceEventStore, followed: ReadonlySet<string>): SequenceEventTracker {
  let tick: SequenceEvent[] = [];
  return {
    add(r, key, previous) {
      if (previous !== undefined && previous.startedUs !== r.startedUs && followed.has(previous.srv ?? '')) store.dropEvent(previous.key, previous.startedUs);
      if (!followed.has(r.srv ?? '')) return;
      tick.push({ key: r.key, startedUs: r.startedUs, device: deviceOf(r.kind, key), party: partyOf(r.kind, key), code: r.srv!, success: r.outcome === 'success' });
    },
    flush() {
      if (tick.length === 0) return;
      const events = tick;
      tick = [];
      store.noteEvents(events);
    },
    committed: () => void (tick = []),
    rolledBack: () => void (tick = []),
  };
}
