// Overview: hops/s and journeys/s (requests started, per CSP region) over the last hour, day or
// 7 days (GET /api/v1/throughput, per-minute counts); volume, success and round-trip times
// beside DCC time per region (hourly RSVP rollups); live hops/s and journeys/s from the
// collector's counters; agents online; alerting rules firing.
import { get, getText, url } from './api.js';
import { lineChart } from './chart.js';
import { esc, int, ms, msValue, pct, select, table, ukDateTime, ZONE, ZONE_LABEL } from './format.js';

const RANGES = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };
const REGIONS = ['', 'NORTH', 'CENTRAL', 'SOUTH'];
const HOUR_MS = 3_600_000;
const RATE_SAMPLE_MS = 5_000;

/** Counter values read from the Prometheus text (GET /metrics). */
function counters(text) {
  const read = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { hops: read('hopwatch_ingested_hops_total'), journeys: read('hopwatch_journeys_completed_total') + read('hopwatch_journeys_timed_out_total') };
}

/** Live rates from two reads of the counters RATE_SAMPLE_MS apart, written into the tiles when known. */
async function liveRates(host) {
  try {
    const first = counters(await getText('/metrics'));
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, RATE_SAMPLE_MS));
    if (!host.isConnected) return;
    const second = counters(await getText('/metrics'));
    const seconds = (performance.now() - t0) / 1000;
    host.querySelector('[data-tile=hops-rate] b').textContent = ((second.hops - first.hops) / seconds).toFixed(1);
    host.querySelector('[data-tile=journeys-rate] b').textContent = ((second.journeys - first.journeys) / seconds).toFixed(1);
  } catch {
    for (const tile of host.querySelectorAll('[data-tile$=-rate] b')) tile.textContent = '—';
  }
}

const tile = (id, label, value) => `<div class="tile" data-tile="${id}"><b>${esc(value)}</b><span>${label}</span></div>`;

/** Hourly rows per region as chart series: one line per region of `value(row)`. */
function seriesByRegion(rows, value) {
  const hours = [...new Set(rows.map((r) => r.period))].sort();
  const regions = [...new Set(rows.map((r) => r.region ?? ''))].sort();
  const x = hours.map((h) => Date.parse(h) / 1000);
  const series = regions.map((region) => {
    const byHour = new Map(rows.filter((r) => (r.region ?? '') === region).map((r) => [r.period, r]));
    return { label: region || 'no region', values: hours.map((h) => (byHour.has(h) ? value(byHour.get(h)) : null)) };
  });
  return { x, series };
}

/** Throughput rows as chart series: hops/s overall, and requests started per second per region. */
function throughputSeries(t) {
  const x = t.rows.map((r) => Date.parse(r.at) / 1000);
  return {
    hops: { x, series: [{ label: 'hops/s', values: t.rows.map((r) => r.hops / t.stepSeconds) }] },
    journeys: { x, series: t.regions.map((region) => ({ label: region, values: t.rows.map((r) => r.requests[region] / t.stepSeconds) })) },
  };
}

async function firingRules() {
  try {
    const { rules } = await get('/api/v1/alerting/rules');
    return rules.filter((r) => r.state === 'firing');
  } catch {
    return undefined;
  }
}

async function agentsOnline() {
  try {
    const { agents } = await get('/api/v1/agents');
    return `${agents.filter((a) => a.status?.state === 'online').length} / ${agents.length}`;
  } catch {
    return '—';
  }
}

export const overview = {
  title: 'Overview',
  live: true,
  async render(main, params, go) {
    const range = RANGES[params.get('range')] ? params.get('range') : 'day';
    const region = params.get('region') ?? '';
    const nowMs = Date.now();
    const from = new Date(Math.floor((nowMs - RANGES[range]) / HOUR_MS) * HOUR_MS).toISOString();
    main.innerHTML = `<div class="controls">${select('range', 'period', [['hour', 'last hour'], ['day', 'last 24 hours'], ['week', 'last 7 days']], range)}
      ${select('region', 'CSP region', REGIONS.map((r) => [r, r || 'all']), region)}<span class="muted">from ${ukDateTime(Date.parse(from))} ${ZONE_LABEL}, whole hours</span></div>
      <div class="tiles" id="tiles"></div><div id="firing"></div><h2>Throughput (${ZONE_LABEL})</h2><div class="charts" id="throughput"></div><h2>Per region</h2><div id="regions"></div><h2>Hour by hour</h2><div class="charts" id="charts"></div>`;
    for (const s of main.querySelectorAll('select')) s.onchange = () => go(new URLSearchParams({ range: main.querySelector('[name=range]').value, ...(main.querySelector('[name=region]').value ? { region: main.querySelector('[name=region]').value } : {}) }));

    const query = { from, by: 'region', region };
    const [totals, hourly, throughput, online, firing] = await Promise.all([
      get(url('/api/v1/rsvp', { ...query, granularity: 'total' })), get(url('/api/v1/rsvp', { ...query, granularity: 'hour' })),
      get(url('/api/v1/throughput', { from: new Date(nowMs - RANGES[range]).toISOString(), to: new Date(nowMs).toISOString() })), agentsOnline(), firingRules(),
    ]);
    const volume = totals.rows.reduce((n, r) => n + r.volume, 0);
    const successes = totals.rows.reduce((n, r) => n + r.successes, 0);
    const seconds = (Math.min(nowMs, Date.parse(totals.to)) - Date.parse(totals.from)) / 1000;
    main.querySelector('#tiles').innerHTML = [
      tile('journeys', 'journeys in the period', int(volume)),
      tile('journeys-per-second', 'journeys/s, period average', (volume / seconds).toFixed(3)),
      tile('success', 'success %', volume ? pct((100 * successes) / volume) : ''),
      tile('hops', 'hops received in the period', int(throughput.rows.reduce((n, r) => n + r.hops, 0))),
      tile('hops-rate', 'hops/s now', '…'),
      tile('journeys-rate', 'journeys/s now', '…'),
      tile('agents', 'agents online', online),
      tile('firing', 'alerting rules firing', firing === undefined ? '—' : String(firing.length)),
    ].join('');
    main.querySelector('#firing').innerHTML = firing?.length ? `<h2>Firing</h2>${table([
      ['rule', (r) => esc(r.rule.name)], ['severity', (r) => esc(r.rule.severity ?? '')], ['summary', (r) => esc(r.rule.summary ?? '')],
      ['series firing', (r) => int(r.series.filter((x) => x.state === 'firing').length), 'num'],
    ], firing)}` : '';
    void liveRates(main);

    main.querySelector('#regions').innerHTML = table([
      ['region', (r) => esc(r.region ?? 'none')], ['journeys', (r) => int(r.volume), 'num'], ['success %', (r) => pct(r.successRatePct), 'num'],
      ['median RTT ms', (r) => ms(r.rttUs.median), 'num'], ['p95 RTT ms', (r) => ms(r.rttUs.p95), 'num'],
      ['median DCC ms', (r) => ms(r.dccUs.median), 'num'], ['p95 DCC ms', (r) => ms(r.dccUs.p95), 'num'],
    ], totals.rows.filter((r) => r.volume > 0));

    const panel = (parent, id) => {
      const host = document.createElement('div');
      host.className = 'chart';
      host.dataset.chart = id;
      main.querySelector(parent).append(host);
      return host;
    };
    const rates = throughputSeries(throughput);
    const step = `${throughput.stepSeconds / 60} min steps`;
    lineChart(panel('#throughput', 'hops'), { title: `Hops/s received (${step})`, unit: '/s', zone: ZONE, ...rates.hops });
    lineChart(panel('#throughput', 'journeys'), { title: `Journeys/s: requests started per region (${step})`, unit: '/s', zone: ZONE, ...rates.journeys });
    const chart = (title, unit, value) => {
      lineChart(panel('#charts', title), { title: `${title} (${ZONE_LABEL})`, unit, zone: ZONE, ...seriesByRegion(hourly.rows.filter((r) => r.volume > 0), value) });
    };
    chart('Success %', '%', (r) => r.successRatePct);
    chart('Median RTT', 'ms', (r) => msValue(r.rttUs.median));
    chart('p95 RTT', 'ms', (r) => msValue(r.rttUs.p95));
    chart('Median DCC time', 'ms', (r) => msValue(r.dccUs.median));
  },
};
