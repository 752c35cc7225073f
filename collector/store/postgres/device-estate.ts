// PostgreSQL implementation of DeviceEstateStore: metric_estate. A tick's sightings go as one
// statement; sightings of one (party, device, month) are folded first, by the rule the
// upsert applies to a stored row (a statement may not update the same row twice).
import type { DeviceEstateStore, DeviceSighting } from '../ports/device-estate.js';
import type { SyncPostgres } from './sync-postgres.js';

const FIELDS = ['userRole', 'smets', 'region', 'deviceType', 'deviceModel', 'firmwareVersion'] as const;
const COLUMNS = ['user_role', 'smets', 'region', 'device_type', 'device_model', 'firmware_version'] as const;
// The later sighting's value, unless it is empty; an earlier sighting fills only an empty field.
const MERGE = COLUMNS.map((c) => `${c} = CASE WHEN excluded.${c} <> '' AND (excluded.seen_us >= metric_estate.seen_us OR metric_estate.${c} = '') THEN excluded.${c} ELSE metric_estate.${c} END`).join(', ');
const NOTE = `INSERT INTO metric_estate (party, device, month, seen_us, ${COLUMNS.join(', ')})
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], ${COLUMNS.map((_, i) => `$${i + 5}::text[]`).join(', ')})
  ON CONFLICT (party, device, month) DO UPDATE SET ${MERGE}, seen_us = greatest(metric_estate.seen_us, excluded.seen_us)`;
const ESTATE = `SELECT party, device, month, seen_us AS "seenUs", user_role AS "userRole", smets, region, device_type AS "deviceType",
  device_model AS "deviceModel", firmware_version AS "firmwareVersion" FROM (
    SELECT *, row_number() OVER (PARTITION BY party, device ORDER BY month DESC) AS latest FROM metric_estate WHERE month <= $1 AND ($2::text IS NULL OR party = $2)
  ) e WHERE latest = 1 ORDER BY party, device`;

function fold(stored: DeviceSighting, next: DeviceSighting): DeviceSighting {
  const merged: Record<string, string | number> = { ...stored, seenUs: Math.max(stored.seenUs, next.seenUs) };
  for (const f of FIELDS) if (next[f] !== '' && (next.seenUs >= stored.seenUs || stored[f] === '')) merged[f] = next[f];
  return merged as unknown as DeviceSighting;
}

export function createPostgresDeviceEstate(db: SyncPostgres): DeviceEstateStore {
  return {
    noteSightings(sightings) {
      const rows = new Map<string, DeviceSighting>();
      for (const x of sightings) {
        const id = `${x.party}\n${x.device}\n${x.month}`;
        const before = rows.get(id);
        rows.set(id, before === undefined ? x : fold(before, x));
      }
      if (rows.size === 0) return;
      const all = [...rows.values()];
      db.query(NOTE, [all.map((x) => x.party), all.map((x) => x.device), all.map((x) => x.month), all.map((x) => x.seenUs), ...FIELDS.map((f) => all.map((x) => x[f]))]);
    },
    estateAt: (month, party) => db.query<DeviceSighting>(ESTATE, [month, party ?? null]),
  };
}
