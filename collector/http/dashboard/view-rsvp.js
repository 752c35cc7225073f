// RSVP: a month's summary table per SRV or business process, and for the one picked, daily
// lines of median RTT, median DCC time against the TRT, % within TRT and volume.
import { get, url } from './api.js';
import { lineChart } from './chart.js';
import { esc, int, ms, msValue, pct, select, table, ukMonth, ZONE_LABEL } from './format.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function charts(host, rows, trtSeconds, zone) {
  const days = [...rows].sort((a, b) => a.period.localeCompare(b.period));
  // A day is drawn at its local midnight, in the report's zone (a date's own UTC midnight is near enough for a daily point).
  const x = days.map((r) => Date.parse(`${r.period}T00:00:00Z`) / 1000);
  const add = (title, unit, series) => {
    const el = document.createElement('div');
    el.className = 'chart';
    host.append(el);
    lineChart(el, { title, unit, x, series, zone: 'UTC', datesOnly: true });
  };
  const trtLine = trtSeconds === null ? [] : [{ label: `TRT ${trtSeconds} s`, values: days.map(() => trtSeconds * 1000), colour: '#b3261e', dash: true }];
  add(`Median RTT and DCC time per day (${zone} days)`, 'ms', [
    { label: 'median RTT', values: days.map((r) => msValue(r.rttUs.median)) },
    { label: 'median DCC', values: days.map((r) => msValue(r.dccUs.median)) },
    ...trtLine,
  ]);
  add('% of DCC times within TRT per day', '%', [
    { label: '% within TRT', values: days.map((r) => r.withinTrtPct), colour: '#3ba776' },
    { label: 'success %', values: days.map((r) => r.successRatePct), colour: '#5b8def' },
  ]);
  add('Volume per day', 'journeys', [{ label: 'volume', values: days.map((r) => r.volume), colour: '#8e6bd6' }]);
}

export const rsvp = {
  title: 'RSVP',
  async render(main, params, go) {
    const by = params.get('by') === 'process' ? 'process' : 'srv';
    const month = MONTH.test(params.get('month') ?? '') ? params.get('month') : ukMonth(Date.now());
    const picked = params.get('key') ?? '';
    main.innerHTML = `<div class="controls">${select('by', 'per', [['srv', 'SRV'], ['process', 'business process']], by)}
      <label>month (${ZONE_LABEL})<input type="month" name="month" value="${month}"></label>
      <a href="${url('/api/v1/reports/rsvp.pdf', { month, by })}">PDF of this table</a></div>
      <div id="summary"></div><div id="daily"></div>`;
    const change = (extra = {}) => go(new URLSearchParams({ by: main.querySelector('[name=by]').value, month: main.querySelector('[name=month]').value, ...extra }));
    main.querySelector('[name=by]').onchange = () => change();
    main.querySelector('[name=month]').onchange = () => change(picked ? { key: picked } : {});

    const path = by === 'srv' ? '/api/v1/rsvp' : '/api/v1/processes';
    const summary = await get(url(path, { month, by }));
    const rows = [...summary.rows].sort((a, b) => String(a[by]).localeCompare(String(b[by]), 'en', { numeric: true }));
    main.querySelector('#summary').innerHTML = `<h2>${month}, per ${by === 'srv' ? 'SRV' : 'business process'} (${esc(summary.timeZone)} month)</h2>` + table([
      [by === 'srv' ? 'SRV' : 'process', (r) => esc(r[by] ?? 'unattributed')], ['volume', (r) => int(r.volume), 'num'], ['success %', (r) => pct(r.successRatePct), 'num'],
      ['median RTT ms', (r) => ms(r.rttUs.median), 'num'], ['p95 RTT ms', (r) => ms(r.rttUs.p95), 'num'], ['median DCC ms', (r) => ms(r.dccUs.median), 'num'],
      ['TRT s', (r) => int(r.trtSeconds), 'num'], ['% within TRT', (r) => pct(r.withinTrtPct), 'num'],
    ], rows, { key: (r) => r[by] ?? '', selected: picked });
    for (const tr of main.querySelectorAll('#summary tr.pick')) tr.onclick = () => change({ key: tr.dataset.key });

    const daily = main.querySelector('#daily');
    if (!picked) {
      daily.innerHTML = '<p class="muted">Pick a row for its daily graphs.</p>';
      return;
    }
    const days = await get(url(path, { month, by, granularity: 'day', [by]: picked }));
    const trt = rows.find((r) => r[by] === picked)?.trtSeconds ?? null;
    daily.innerHTML = `<h2>${esc(picked)}, day by day</h2><div class="charts"></div>`;
    charts(daily.lastElementChild, days.rows, trt, summary.timeZone);
  },
};
