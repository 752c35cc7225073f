// Devices and firmware: the spread of HAN, Comms Hub, round-trip or DCC time per firmware
// version or device model from the RSVP rollups (every request of the period), its median day by
// day per value, and two of them
// compared on the same traffic (GET /api/v1/compare): per SRV and pooled, the medians, the
// Hodges–Lehmann shift b − a with its 95 % interval, and the verdict. A comparison reads every
// journey of both sides, so it fills in after the spread is drawn (#compare[data-ready]), and
// the view does not refresh by itself.
import { get, url } from './api.js';
import { lineChart } from './chart.js';
import { esc, int, ms, msValue, pct, select, table, ukDateTime, ZONE_LABEL } from './format.js';

const HOUR_MS = 3_600_000;
const DIMENSIONS = { firmwareVersion: 'device firmware', chFirmwareVersion: 'Comms Hub firmware', deviceModel: 'device model' };
const FIGURES = { hanUs: 'HAN time', chResidenceUs: 'Comms Hub time', rttUs: 'round trip (RTT)', dccUs: 'DCC time' };
const STATS = [['min', 'min'], ['median', 'median'], ['p90', 'p90'], ['p95', 'p95'], ['max', 'max']];

/** min–p95 whisker, median–p90 box and the median, on a scale shared by every row. */
function box(s, scaleUs) {
  if (s.median === null) return '';
  const x = (us) => `${Math.min(100, (100 * us) / scaleUs)}%`;
  return `<div class="seg"><i class="err" style="left:${x(s.min)};width:${x(s.p95 - s.min)}"></i>
    <i class="bar" style="left:${x(s.median)};width:${x(Math.max(s.p90 - s.median, scaleUs / 200))};background:var(--han);opacity:.7"></i>
    <i class="bar" style="left:${x(s.median)};width:2px;background:var(--ink)"></i></div>`;
}

/** Daily rows as one line per value of the dimension (the values of the spread table), each day at its date. */
function dailySeries(rows, dim, figure, values) {
  const days = [...new Set(rows.map((r) => r.period))].sort();
  const byKey = new Map(rows.map((r) => [`${r[dim] ?? '(unknown)'}|${r.period}`, r]));
  return {
    x: days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000),
    series: values.map((v) => ({ label: v.name, values: days.map((d) => msValue(byKey.get(`${v.name}|${d}`)?.[figure].median)) })),
  };
}

/** Rows with a value to compare (an alert code has no HAN time, say), and the pooled row always. */
export const measured = (r) => r.srv === null || r.a.measured + r.b.measured > 0;

const interval = (i) => (i && i.lower !== null && i.upper !== null ? `${ms(i.lower)} to ${ms(i.upper)}` : '');

function comparison(answer, label) {
  const pooled = answer.rows.find((r) => r.srv === null);
  const name = (r) => (r.srv === null ? 'all SRVs' : esc(r.srv));
  return `<h2>${esc(answer.a)} against ${esc(answer.b)} (${esc(label)})</h2>
    <p class="verdict" id="verdict">${esc(pooled?.verdict ?? 'no journeys for either')}</p>
    ${pooled ? `<p class="muted">${esc(pooled.successVerdict)}</p>` : ''}
    <p><a href="${url('/api/v1/compare.csv', { dimension: answer.dimension, a: answer.a, b: answer.b, figure: answer.figure, from: answer.from, to: answer.to })}">CSV of this comparison</a></p>` + table([
    ['SRV', name], [`${esc(answer.a)} measured`, (r) => int(r.a.measured), 'num'], [`${esc(answer.a)} median ms`, (r) => ms(r.a.medianUs), 'num'],
    [`${esc(answer.b)} measured`, (r) => int(r.b.measured), 'num'], [`${esc(answer.b)} median ms`, (r) => ms(r.b.medianUs), 'num'],
    ['shift b − a ms', (r) => ms(r.shiftUs?.estimate), 'num'], ['95 % CI ms', (r) => interval(r.shiftUs), 'num'],
    ['success % a', (r) => pct(r.a.successRatePct), 'num'], ['success % b', (r) => pct(r.b.successRatePct), 'num'], ['verdict', (r) => esc(r.verdict)],
  ], answer.rows.filter(measured), { key: (r) => r.srv ?? '' });
}

export const devices = {
  title: 'Devices and firmware',
  async render(main, params, go) {
    const days = ['1', '7', '30'].includes(params.get('days')) ? params.get('days') : '7';
    const dim = DIMENSIONS[params.get('by')] ? params.get('by') : 'firmwareVersion';
    const figure = FIGURES[params.get('figure')] ? params.get('figure') : 'hanUs';
    const [a, b] = [params.get('a') ?? '', params.get('b') ?? ''];
    const from = new Date(Math.floor((Date.now() - Number(days) * 86_400_000) / HOUR_MS) * HOUR_MS).toISOString();
    const [report, daily] = await Promise.all([
      get(url('/api/v1/rsvp', { from, granularity: 'total', by: dim })), get(url('/api/v1/rsvp', { from, granularity: 'day', by: dim })),
    ]);
    const rows = report.rows.map((r) => ({ name: r[dim] ?? '(unknown)', stats: r[figure] })).filter((r) => r.stats.count > 0)
      .sort((x, y) => x.name.localeCompare(y.name, 'en', { numeric: true }));
    const names = rows.map((r) => [r.name, r.name]);
    main.innerHTML = `<div class="controls">${select('days', 'period', [['1', 'last 24 hours'], ['7', 'last 7 days'], ['30', 'last 30 days']], days)}${select('by', 'per', Object.entries(DIMENSIONS), dim)}${select('figure', 'time', Object.entries(FIGURES), figure)}
      ${select('a', 'compare (a)', [['', '—'], ...names], a)}${select('b', 'with (b)', [['', '—'], ...names], b)}</div><div id="spread"></div><div class="chart" id="over-time"></div><div id="compare"></div>`;
    for (const s of main.querySelectorAll('select')) {
      s.onchange = () => go(new URLSearchParams([...main.querySelectorAll('select')].filter((e) => e.value).map((e) => [e.name, e.value])));
    }
    const scaleUs = Math.max(1, ...rows.map((r) => r.stats.p95 ?? 0));
    main.querySelector('#spread').innerHTML = `<p class="muted">${FIGURES[figure]} of every request since ${esc(ukDateTime(Date.parse(report.from)))} ${ZONE_LABEL} (RSVP rollups, ${esc(report.precision)}).</p>` + table([
      [DIMENSIONS[dim], (r) => esc(r.name)], ['measured', (r) => int(r.stats.count), 'num'],
      ...STATS.map(([k, h]) => [`${h} ms`, (r) => ms(r.stats[k]), 'num']), ['mean ms', (r) => ms(r.stats.mean), 'num'],
      [`min–p95 · median–p90, 0 to ${ms(scaleUs)} ms`, (r) => box(r.stats, scaleUs)],
    ], rows);
    lineChart(main.querySelector('#over-time'), { title: `Median ${FIGURES[figure]} per day (${report.timeZone} days)`, unit: 'ms', zone: 'UTC', datesOnly: true, ...dailySeries(daily.rows, dim, figure, rows) });
    const compareHost = main.querySelector('#compare');
    if (!a || !b || a === b) {
      compareHost.innerHTML = '<p class="muted">Pick two to compare them on the same traffic, with a 95 % interval.</p>';
      return;
    }
    compareHost.innerHTML = `<p class="muted">Comparing ${esc(a)} with ${esc(b)} on every journey of the period…</p>`;
    get(url('/api/v1/compare', { dimension: dim, a, b, figure, from })).then((answer) => {
      compareHost.innerHTML = comparison(answer, FIGURES[figure]);
      compareHost.dataset.ready = 'true';
    }, (err) => {
      compareHost.innerHTML = `<p class="error">${esc(err.message)}</p>`;
      compareHost.dataset.ready = 'error';
    });
  },
};
