// The journeys the Journeys view lists, as CSV.
import { ms } from './format.js';

/** The party of a journey: the originator of a request, the recipient of an alert (collector/http/access.ts). */
export const partyOf = (j) => j.key.split(':')[j.kind === 'alert' ? 1 : 0];

const CSV_COLUMNS = [
  ['key', (j) => j.key], ['started_utc', (j) => j.startedAt], ['kind', (j) => j.kind], ['srv', (j) => j.srv], ['region', (j) => j.context.cspRegion ?? ''],
  ['outcome', (j) => j.outcome], ['code', (j) => j.code ?? ''], ['reason', (j) => j.reason ?? ''],
  ['rtt_ms', (j) => ms(j.figures.rttUs)], ['dcc_ms', (j) => ms(j.figures.dccUs)], ['han_ms', (j) => ms(j.figures.hanUs)],
  ['device_model', (j) => j.context.deviceModel ?? ''], ['firmware', (j) => j.context.firmwareVersion ?? ''], ['ch_firmware', (j) => j.context.chFirmwareVersion ?? ''],
  ['party', partyOf], ['flags', (j) => j.flags.join(' ')],
];

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
const field = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function journeysCsv(journeys) {
  const lines = [CSV_COLUMNS.map(([h]) => h).join(','), ...journeys.map((j) => CSV_COLUMNS.map(([, f]) => field(String(f(j)))).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
