// Devices and firmware: the spread of HAN and Comms Hub time per firmware version or device
// model over the latest journeys, and two of them side by side.
import { get, url } from './api.js';
import { esc, int, ms, quantile, select, table } from './format.js';

const DAY_MS = 86_400_000;
const SAMPLE = 2000;
const DIMENSIONS = { firmwareVersion: 'device firmware', chFirmwareVersion: 'Comms Hub firmware', deviceModel: 'device model' };
const FIGURES = { hanUs: 'HAN time', chResidenceUs: 'Comms Hub time' };
const QUANTILES = [['p5', 0.05], ['p25', 0.25], ['median', 0.5], ['p75', 0.75], ['p95', 0.95]];

function spread(journeys, dim, figure) {
  const groups = new Map();
  for (const j of journeys) {
    const v = j.figures[figure];
    if (v === undefined) continue;
    const name = j.context[dim] || '(unknown)';
    (groups.get(name) ?? groups.set(name, []).get(name)).push(v);
  }
  return [...groups].map(([name, values]) => ({ name, count: values.length, ...Object.fromEntries(QUANTILES.map(([k, q]) => [k, quantile(values, q)])) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** p5–p95 whisker, p25–p75 box and the median, on a scale shared by every row. */
function box(r, scaleUs) {
  const x = (us) => `${(100 * us) / scaleUs}%`;
  return `<div class="seg"><i class="err" style="left:${x(r.p5)};width:${x(r.p95 - r.p5)}"></i>
    <i class="bar" style="left:${x(r.p25)};width:${x(Math.max(r.p75 - r.p25, scaleUs / 200))};background:var(--han);opacity:.7"></i>
    <i class="bar" style="left:${x(r.median)};width:2px;background:var(--ink)"></i></div>`;
}

export const devices = {
  title: 'Devices and firmware',
  live: true,
  async render(main, params, go) {
    const dim = DIMENSIONS[params.get('by')] ? params.get('by') : 'firmwareVersion';
    const figure = FIGURES[params.get('figure')] ? params.get('figure') : 'hanUs';
    const [a, b] = [params.get('a') ?? '', params.get('b') ?? ''];
    const from = new Date(Date.now() - 7 * DAY_MS).toISOString();
    const { journeys } = await get(url('/api/v1/journeys', { from, limit: SAMPLE }));
    const rows = spread(journeys, dim, figure);
    const names = rows.map((r) => [r.name, r.name]);
    main.innerHTML = `<div class="controls">${select('by', 'per', Object.entries(DIMENSIONS), dim)}${select('figure', 'time', Object.entries(FIGURES), figure)}
      ${select('a', 'compare', [['', '—'], ...names], a)}${select('b', 'with', [['', '—'], ...names], b)}</div><div id="spread"></div><div id="compare"></div>`;
    for (const s of main.querySelectorAll('select')) {
      s.onchange = () => go(new URLSearchParams([...main.querySelectorAll('select')].filter((e) => e.value).map((e) => [e.name, e.value])));
    }
    const scaleUs = Math.max(1, ...rows.map((r) => r.p95));
    const columns = [
      [DIMENSIONS[dim], (r) => esc(r.name)], ['journeys', (r) => int(r.count), 'num'],
      ...QUANTILES.map(([k]) => [`${k} ms`, (r) => ms(r[k]), 'num']), [`p5 · p25–p75 · median · p95, 0 to ${ms(scaleUs)} ms`, (r) => box(r, scaleUs)],
    ];
    main.querySelector('#spread').innerHTML = `<p class="muted">${FIGURES[figure]} of the latest ${journeys.length} journeys of the last 7 days.</p>${table(columns, rows)}`;
    const pair = rows.filter((r) => r.name === a || r.name === b);
    if (a && b && pair.length === 2) {
      const [ra, rb] = [rows.find((r) => r.name === a), rows.find((r) => r.name === b)];
      const diff = { name: `${b} − ${a}`, count: '', ...Object.fromEntries(QUANTILES.map(([k]) => [k, rb[k] - ra[k]])) };
      main.querySelector('#compare').innerHTML = `<h2>${esc(a)} against ${esc(b)}</h2>${table(columns.slice(0, -1), [ra, rb, diff])}`;
    }
  },
};
