// Notes, per tick, the devices each party's journeys reached (MP176 "Inventory reporting"): a
// request's target device for its originator, an alert's raising device for its recipient,
// with the device type, model and firmware version the journey's context reported. Sightings
// are gathered per tick (one per party, device and local month, the latest) and written once,
// inside the tick's transaction: nothing is kept in memory past the tick, whichever way it ends.
import type { JoinKey } from '../join/join-key.js';
import type { JourneyRecord } from '../join/journey-record.js';
import type { DeviceEstateStore, DeviceSighting } from '../store/ports/device-estate.js';
import type { TransactionFollower } from '../join/record-sink.js';
import type { Calendar } from './calendar.js';
import { deviceOf, partyOf } from './record-facts.js';

export interface EstateTracker extends TransactionFollower {
  /** Called for every record written in the tick (new or amended). */
  add(r: JourneyRecord, key: JoinKey): void;
  /** Writes the tick's sightings; call inside the tick's transaction. */
  flush(): void;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function createEstateTracker(store: DeviceEstateStore, calendar: Calendar): EstateTracker {
  const tick = new Map<string, DeviceSighting>();
  return {
    add(r, key) {
      const c = r.context;
      const t = calendar.at(r.startedUs / 1000);
      const sighting: DeviceSighting = {
        party: partyOf(r.kind, key), device: deviceOf(r.kind, key), month: `${t.year}-${pad(t.month)}`, seenUs: r.startedUs,
        userRole: c.userRole ?? '', smets: c.smetsGeneration ?? '', region: c.cspRegion ?? '',
        deviceType: c.deviceType ?? '', deviceModel: c.deviceModel ?? '', firmwareVersion: c.firmwareVersion ?? '',
      };
      const id = `${sighting.party}:${sighting.device}:${sighting.month}`;
      const known = tick.get(id);
      // Several journeys to one device in a tick make one write; the store merges the rest.
      if (known === undefined || sighting.seenUs >= known.seenUs) tick.set(id, known === undefined ? sighting : fillFrom(sighting, known));
      else tick.set(id, fillFrom(known, sighting));
    },
    flush() {
      if (tick.size === 0) return;
      const sightings = [...tick.values()];
      tick.clear();
      store.noteSightings(sightings);
    },
    committed: () => tick.clear(),
    // A tick that failed before its flush leaves nothing for the next one.
    rolledBack: () => tick.clear(),
  };
}

/** `later` with its empty fields taken from `earlier` (the store's merge rule, applied within a tick). */
function fillFrom(later: DeviceSighting, earlier: DeviceSighting): DeviceSighting {
  const pick = (a: string, b: string) => (a !== '' ? a : b);
  return {
    ...later,
    userRole: pick(later.userRole, earlier.userRole), smets: pick(later.smets, earlier.smets), region: pick(later.region, earlier.region),
    deviceType: pick(later.deviceType, earlier.deviceType), deviceModel: pick(later.deviceModel, earlier.deviceModel),
    firmwareVersion: pick(later.firmwareVersion, earlier.firmwareVersion),
  };
}
