// SQLite implementation of DeviceEstateStore: metric_estate.
import type Database from 'better-sqlite3';
import type { DeviceEstateStore, DeviceSighting } from '../ports/device-estate.js';

const FIELDS = ['user_role', 'smets', 'region', 'device_type', 'device_model', 'firmware_version'] as const;
// The later sighting's value, unless it is empty; an earlier sighting fills only an empty field.
const merge = FIELDS.map((f) => `${f} = CASE WHEN excluded.${f} <> '' AND (excluded.seen_us >= metric_estate.seen_us OR metric_estate.${f} = '') THEN excluded.${f} ELSE metric_estate.${f} END`).join(', ');
const COLUMNS = `party, device, month, seen_us AS seenUs, user_role AS userRole, smets, region, device_type AS deviceType,
  device_model AS deviceModel, firmware_version AS firmwareVersion`;

export function createSqliteDeviceEstate(db: Database.Database): DeviceEstateStore {
  const s = {
    note: db.prepare(`INSERT INTO metric_estate (party, device, month, seen_us, ${FIELDS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (party, device, month) DO UPDATE SET ${merge}, seen_us = max(seen_us, excluded.seen_us)`),
    estate: db.prepare(`SELECT ${COLUMNS} FROM (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY party, device ORDER BY month DESC) AS latest FROM metric_estate WHERE month <= ? AND (? IS NULL OR party = ?)
      ) WHERE latest = 1 ORDER BY party, device`),
  };
  return {
    noteSightings(sightings) {
      for (const x of sightings) s.note.run(x.party, x.device, x.month, x.seenUs, x.userRole, x.smets, x.region, x.deviceType, x.deviceModel, x.firmwareVersion);
    },
    estateAt: (month, party) => s.estate.all(month, party ?? null, party ?? null) as DeviceSighting[],
  };
}
