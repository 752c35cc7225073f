// Formatting shared by the views. Every time shown is UK time (Europe/London, the zone the
// collector reports days and months in by default) and says so.
export const ZONE = 'Europe/London';
export const ZONE_LABEL = 'UK time';

const dateTime = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const clockTime = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const offsetName = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, timeZoneName: 'longOffset' });
const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** 'dd/mm/yyyy, hh:mm:ss' in UK time. */
export const ukDateTime = (ms) => dateTime.format(new Date(ms));
export const ukClock = (ms) => clockTime.format(new Date(ms));
/** The UK local date (YYYY-MM-DD) of an instant. */
export const ukDate = (ms) => localDate.format(new Date(ms));
export const ukMonth = (ms) => ukDate(ms).slice(0, 7);

/** The UK offset at an instant, as '+01:00'. */
function ukOffset(ms) {
  const name = offsetName.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' ? '+00:00' : name.slice(3);
}

/** Midnight UK time starting a local date, as an ISO date-time with its offset. */
export function ukMidnight(date) {
  const offset = ukOffset(Date.parse(`${date}T12:00:00Z`));
  return `${date}T00:00:00${offset}`;
}

/** Microseconds as milliseconds with one decimal; '' when unknown. */
export const ms = (us) => (us === undefined || us === null ? '' : (us / 1000).toFixed(1));
export const pct = (v) => (v === undefined || v === null || Number.isNaN(v) ? '' : v.toFixed(1));
export const int = (v) => (v === undefined || v === null ? '' : String(v));
export const esc = (t) => String(t ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

/** Median of numbers (sorted copy); undefined for none. */
export function quantile(values, q) {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
}

/** A table: columns are [heading, cell(row) → html, 'num'?]; rows may carry a data-key. */
export function table(columns, rows, { key, selected } = {}) {
  const head = columns.map(([h, , cls]) => `<th class="${cls ?? ''}">${h}</th>`).join('');
  const body = rows.map((r) => {
    const k = key ? key(r) : undefined;
    const attrs = k === undefined ? '' : ` class="pick${k === selected ? ' selected' : ''}" data-key="${esc(k)}"`;
    return `<tr${attrs}>${columns.map(([, cell, cls]) => `<td class="${cls ?? ''}">${cell(r)}</td>`).join('')}</tr>`;
  }).join('');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body || `<tr><td colspan="${columns.length}" class="muted">nothing in this period</td></tr>`}</tbody></table></div>`;
}

/** A labelled select whose options are [value, text] pairs. */
export function select(name, label, options, value) {
  return `<label>${label}<select name="${name}">${options.map(([v, t]) => `<option value="${esc(v)}"${v === value ? ' selected' : ''}>${esc(t)}</option>`).join('')}</select></label>`;
}

/** Microseconds as a number of milliseconds for a chart; null (a gap) when unknown. */
export const msValue = (us) => (us === undefined || us === null ? null : us / 1000);
