// Where the time goes: per SRV, the mean time in the DSP, CSP/WAN, Comms Hub and HAN from the
// RSVP rollups (every request of the period, not a sample), drawn on one axis common to every
// SRV, with the DSP and CSP budgets marked (SECMP0053 Annex C: the CSP share runs from the
// hand-off to the CSP until the response is back at the DSP, without the HAN, so it holds the
// Comms Hub's residence; the bar draws that residence apart).
import { get, url } from './api.js';
import { esc, int, ms, pct, select, table, ukDateTime, ZONE_LABEL } from './format.js';
import { legend, PARTS } from './parts.js';

const HOUR_MS = 3_600_000;

/** Mean microseconds per part of one RSVP row; a part not measured is undefined. */
export function partMeans(r) {
  const mean = (v) => (v === null || v === undefined ? undefined : v);
  const ch = mean(r.chResidenceUs.mean);
  const csp = mean(r.segments.csp.meanUs);
  return {
    dsp: mean(r.segments.dsp.meanUs),
    csp: csp === undefined ? undefined : Math.max(0, csp - (ch ?? 0)),
    ch,
    han: mean(r.hanUs.mean),
  };
}

function stack(parts, budget, scaleUs) {
  const w = (us) => `${(100 * Math.max(0, us ?? 0)) / scaleUs}%`;
  const spans = PARTS.map((p) => `<span title="${p.name}: ${ms(parts[p.id])} ms" style="width:${w(parts[p.id])};background:${p.colour}"></span>`).join('');
  const mark = (us, cls, label) => (us ? `<i class="budget ${cls}" title="${label} ${ms(us)} ms" style="left:${w(Math.min(us, scaleUs * 0.995))}"></i>` : '');
  return `<div class="stack">${spans}${mark(budget.dsp, 'dsp', 'DSP budget')}${mark(budget.csp, 'csp', 'CSP budget')}</div>`;
}

const budgetUs = (b) => (b.budgetSeconds ? b.budgetSeconds * 1e6 : undefined);

export const timeSplit = {
  title: 'Where the time goes',
  live: true,
  async render(main, params, go) {
    const days = ['1', '7', '30'].includes(params.get('days')) ? params.get('days') : '7';
    const region = params.get('region') ?? '';
    const from = new Date(Math.floor((Date.now() - Number(days) * 86_400_000) / HOUR_MS) * HOUR_MS).toISOString();
    main.innerHTML = `<div class="controls">${select('days', 'period', [['1', 'last 24 hours'], ['7', 'last 7 days'], ['30', 'last 30 days']], days)}
      ${select('region', 'CSP region', ['', 'NORTH', 'CENTRAL', 'SOUTH'].map((r) => [r, r || 'all']), region)}</div><div id="split"></div>`;
    for (const s of main.querySelectorAll('select')) s.onchange = () => go(new URLSearchParams([['days', main.querySelector('[name=days]').value], ...(main.querySelector('[name=region]').value ? [['region', main.querySelector('[name=region]').value]] : [])]));

    const totals = await get(url('/api/v1/rsvp', { from, granularity: 'total', by: 'srv', region }));
    const rows = totals.rows.filter((r) => r.volume > 0).map((r) => ({ ...r, parts: partMeans(r), budget: { dsp: budgetUs(r.segments.dsp), csp: budgetUs(r.segments.csp) } }))
      .sort((a, b) => String(a.srv).localeCompare(String(b.srv), 'en', { numeric: true }));
    // One scale for every row, so SRVs compare: the longest stack, and budgets up to twice it; a
    // budget beyond the scale is marked at its right edge (its value is in the table).
    const longest = Math.max(1, ...rows.map((r) => PARTS.reduce((t, p) => t + (r.parts[p.id] ?? 0), 0)));
    const scaleUs = 1.05 * Math.max(longest, ...rows.flatMap((r) => [r.budget.dsp ?? 0, r.budget.csp ?? 0]).filter((us) => us <= 2 * longest));
    main.querySelector('#split').innerHTML = `<p class="muted">Mean time per part over every request since ${esc(ukDateTime(Date.parse(totals.from)))} ${ZONE_LABEL} (RSVP rollups);
      bars share one axis, 0 to ${ms(scaleUs)} ms. Black mark: DSP budget; brown: CSP budget, which covers CSP/WAN and the Comms Hub (at the right edge when beyond the axis).</p>${legend()}` + table([
      ['SRV', (r) => esc(r.srv ?? 'none')], ['requests', (r) => int(r.volume), 'num'],
      ...PARTS.map((p) => [`${p.name} ms`, (r) => ms(r.parts[p.id]), 'num']),
      ['DSP budget ms', (r) => ms(r.budget.dsp), 'num'], ['DSP within %', (r) => pct(r.segments.dsp.withinPct), 'num'],
      ['CSP budget ms', (r) => ms(r.budget.csp), 'num'], ['CSP within %', (r) => pct(r.segments.csp.withinPct), 'num'],
      ['mean time per part', (r) => stack(r.parts, r.budget, scaleUs)],
    ], rows);
  },
};
