// A store holding a million journey records, for the dashboard's load test. TEMPLATES records
// are written the way ingest commits ticks (store and metric sinks in one transaction per
// tick), so the rollups, the estate and the alert tables hold them; each is then copied
// COPIES times inside the database, a few seconds apart in time with keys of their own (their
// hops keep the template's times), so the journey table (what lists, comparisons and outage
// clustering scan) holds the million.
// Rollup rows grow with groups × hours, not records: the templates already fill the hours of
// every group this mix makes. Writing every record through the metric sinks would take minutes.
import type { Collector } from '../../collector/collector.js';
import { JoinKey } from '../../collector/join/join-key.js';
import type { RecordWrite } from '../../collector/join/joiner.js';
import type { JourneyRecord } from '../../collector/join/journey-record.js';
import { keyHashOf } from '../../collector/store/journey-row.js';
import type { SqliteStore } from '../../collector/store/sqlite-store.js';
import { request, writeOf } from '../unit/metrics/harness.js';
import { writeThroughIngest } from '../helpers/system.js';

export const DAYS = 30;
export const TEMPLATES = 40_000;
export const COPIES = 24;
const TICK = 10_000;
const SRVS = ['1.1.1', '4.1.1', '4.1.1', '4.1.1', '6.2.1', '11.1', '8.14.1', '2.1'];
const REGIONS = ['NORTH', 'CENTRAL', 'SOUTH'] as const;
const MODELS = ['MODEL-A', 'MODEL-B', 'MODEL-C'];
const FIRMWARE = ['FW-1.0', 'FW-2.0', 'FW-3.0', 'FW-3.1'];
const CH_FIRMWARE = ['CH-2.1.0', 'CH-2.2.0'];
const PARTIES = ['90-B3-D5-1F-30-01-00-00', '90-B3-D5-1F-30-02-00-00', '90-B3-D5-1F-30-03-00-00', '90-B3-D5-1F-30-04-00-00'];
const hex = (v: number) => (v & 0xff).toString(16).padStart(2, '0').toUpperCase();

/** The i-th template: a deterministic mix, evenly spaced in time up to `endMs`. */
function template(i: number, endMs: number, c: Collector): JourneyRecord {
  const spanMs = DAYS * 86_400_000;
  return request({
    at: new Date(endMs - spanMs + Math.floor((i * spanMs) / TEMPLATES)).toISOString(),
    srv: SRVS[i % SRVS.length]!, rttMs: 1500 + (i % 37) * 60, hanMs: 300 + (i % 11) * 70 + (i % 2) * 150, dspMs: 200 + (i % 5) * 40,
    counter: i + 1, party: PARTIES[i % PARTIES.length]!, device: `00-DB-00-00-00-${hex(i >> 8)}-${hex(i)}-00`,
    ...(i % 23 === 5 ? { unanswered: true } : i % 19 === 7 ? { code: 'E20' } : {}),
    context: {
      cspRegion: REGIONS[i % 3]!, deviceModel: MODELS[i % MODELS.length]!, firmwareVersion: FIRMWARE[i % FIRMWARE.length]!,
      chFirmwareVersion: CH_FIRMWARE[(i >> 1) % 2]!, deviceType: 'ESME',
    },
  }, c.catalogue);
}

/** The key of copy n of a template: the same parties, its own counter. */
function copyKey(key: string, n: number): string {
  const cut = key.lastIndexOf(':');
  return `${key.slice(0, cut)}:${Number(key.slice(cut + 1)) + n * 1_000_000}`;
}

/** Writes TEMPLATES × (1 + COPIES) records ending at `endMs` into the collector's SQLite store. */
export function writeMillion(c: Collector, endMs: number): void {
  for (let from = 0; from < TEMPLATES; from += TICK) {
    const writes: RecordWrite[] = [];
    for (let i = from; i < Math.min(TEMPLATES, from + TICK); i++) writes.push(writeOf(template(i, endMs, c)));
    writeThroughIngest(c, writes, endMs);
  }
  const { db } = c.store as SqliteStore;
  db.function('copy_key', { deterministic: true }, (key, n) => copyKey(key as string, Number(n)));
  db.function('copy_key_hash', { deterministic: true }, (key, n) => keyHashOf(JoinKey.parse(copyKey(key as string, Number(n)))!));
  // Copies fall between their template and the next one (templates are this far apart).
  const stepUs = Math.floor((DAYS * 86_400_000_000) / TEMPLATES / (COPIES + 1));
  db.transaction(() => db.prepare(`WITH RECURSIVE copies(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copies WHERE n < ?)
    INSERT INTO journeys (key, key_hash, kind, started_us, ended_us, written_at_ms, outcome, code, reason, rtt_us, dcc_us, context_id, hops, amendments, figures)
    SELECT copy_key(key, n), copy_key_hash(key, n), kind, started_us - n * ?, ended_us - n * ?, written_at_ms, outcome, code, reason, rtt_us, dcc_us, context_id, hops, amendments, figures
    FROM journeys, copies`).run(COPIES, stepUs, stepUs))();
}
