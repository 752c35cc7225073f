// The journeys the Journeys view lists: its filters (the API's, and the context fields the
// dashboard filters on itself), and the list as CSV.
import { ms } from './format.js';

/** The party of a journey: the originator of a request, the recipient of an alert (collector/http/access.ts). */
export const partyOf = (j) => j.key.split(':')[j.kind === 'alert' ? 1 : 0];

/** Filters the API does not take, applied to the journeys it returned. */
export const LOCAL_FILTERS = {
  firmware: (j) => j.context.firmwareVersion ?? '',
  model: (j) => j.context.deviceModel ?? '',
  party: partyOf,
};

export function localFilter(journeys, params) {
  const active = Object.entries(LOCAL_FILTERS).filter(([name]) => params.get(name));
  return journeys.filter((j) => active.every(([name, value]) => value(j).toUpperCase() === params.get(name).toUpperCase()));
}

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
