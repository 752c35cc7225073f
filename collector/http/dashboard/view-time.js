// Where the time goes: per SRV, the median time in the DSP, CSP/WAN, Comms Hub and HAN of the
// latest journeys, drawn on one axis common to every SRV, with the DSP and CSP budgets marked.
import { get, url } from './api.js';
import { esc, int, ms, pct, quantile, select, table, ZONE_LABEL } from './format.js';
import { legend, PARTS, timePerPart } from './parts.js';

const DAY_MS = 86_400_000;
const SAMPLE = 2000;

/** Per SRV: the median of each part over the successful journeys that cross it. */
function mediansBySrv(journeys) {
  const bySrv = new Map();
  for (const j of journeys) {
    if (j.kind !== 'request' || j.outcome !== 'success') continue;
    const parts = bySrv.get(j.srv) ?? { count: 0 };
    parts.count++;
    for (const [id, us] of Object.entries(timePerPart(j))) (parts[id] ??= []).push(us);
    bySrv.set(j.srv, parts);
  }
  return [...bySrv].map(([srv, parts]) => ({
    srv, count: parts.count, ...Object.fromEntries(PARTS.map((p) => [p.id, parts[p.id] ? quantile(parts[p.id], 0.5) : undefined])),
  })).sort((a, b) => a.srv.localeCompare(b.srv, 'en', { numeric: true }));
}

function stack(row, budget, scaleUs) {
  const w = (us) => `${(100 * Math.max(0, us ?? 0)) / scaleUs}%`;
  const spans = PARTS.map((p) => `<span title="${p.name}: ${ms(row[p.id])} ms" style="width:${w(row[p.id])};background:${p.colour}"></span>`).join('');
  const mark = (us, cls, label) => (us ? `<i class="budget ${cls}" title="${label} ${ms(us)} ms" style="left:${w(Math.min(us, scaleUs * 0.995))}"></i>` : '');
  return `<div class="stack">${spans}${mark(budget?.dsp, 'dsp', 'DSP budget')}${mark(budget?.csp, 'csp', 'CSP budget')}</div>`;
}

export const timeSplit = {
  title: 'Where the time goes',
  live: true,
  async render(main, params, go) {
    const days = ['1', '7', '30'].includes(params.get('days')) ? params.get('days') : '7';
    const region = params.get('region') ?? '';
    const from = new Date(Date.now() - Number(days) * DAY_MS).toISOString();
    main.innerHTML = `<div class="controls">${select('days', 'period', [['1', 'last 24 hours'], ['7', 'last 7 days'], ['30', 'last 30 days']], days)}
      ${select('region', 'CSP region', ['', 'NORTH', 'CENTRAL', 'SOUTH'].map((r) => [r, r || 'all']), region)}</div><div id="split"></div>`;
    for (const s of main.querySelectorAll('select')) s.onchange = () => go(new URLSearchParams([['days', main.querySelector('[name=days]').value], ...(main.querySelector('[name=region]').value ? [['region', main.querySelector('[name=region]').value]] : [])]));

    const [{ journeys }, totals] = await Promise.all([
      get(url('/api/v1/journeys', { from, region, limit: SAMPLE })),
      get(url('/api/v1/rsvp', { from: from.slice(0, 13) + ':00:00Z', granularity: 'total', by: 'srv', region })),
    ]);
    const rows = mediansBySrv(journeys);
    const budgets = new Map(totals.rows.map((r) => [r.srv, {
      dsp: r.segments?.dsp?.budgetSeconds ? r.segments.dsp.budgetSeconds * 1e6 : undefined,
      csp: r.segments?.csp?.budgetSeconds ? r.segments.csp.budgetSeconds * 1e6 : undefined,
      dspWithinPct: r.segments?.dsp?.withinPct, cspWithinPct: r.segments?.csp?.withinPct,
    }]));
    // One scale for every row, so SRVs compare: the longest stack, and budgets up to twice it; a
    // budget beyond the scale is marked at its right edge (its value is in the table).
    const longest = Math.max(1, ...rows.map((r) => PARTS.reduce((t, p) => t + (r[p.id] ?? 0), 0)));
    const scaleUs = 1.05 * Math.max(longest, ...[...budgets.values()].flatMap((b) => [b.dsp ?? 0, b.csp ?? 0]).filter((us) => us <= 2 * longest));
    main.querySelector('#split').innerHTML = `<p class="muted">Medians per part of the latest ${journeys.length} journeys since ${esc(new Date(from).toLocaleString('en-GB', { timeZone: 'Europe/London' }))} ${ZONE_LABEL}
      (successful requests); bars share one axis, 0 to ${ms(scaleUs)} ms. Black mark: DSP budget; brown: CSP budget (at the right edge when beyond the axis).</p>${legend()}` + table([
      ['SRV', (r) => esc(r.srv)], ['journeys', (r) => int(r.count), 'num'],
      ...PARTS.map((p) => [`${p.name} ms`, (r) => ms(r[p.id]), 'num']),
      ['DSP budget ms', (r) => ms(budgets.get(r.srv)?.dsp), 'num'], ['DSP within %', (r) => pct(budgets.get(r.srv)?.dspWithinPct), 'num'],
      ['CSP budget ms', (r) => ms(budgets.get(r.srv)?.csp), 'num'], ['CSP within %', (r) => pct(budgets.get(r.srv)?.cspWithinPct), 'num'],
      ['median time per part', (r) => stack(r, budgets.get(r.srv), scaleUs)],
    ], rows);
  },
};
